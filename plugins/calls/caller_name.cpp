#include "caller_name.h"

#include <cctype>

#include "switchboard/bounded_text.h"
#include "switchboard/json.h"
#include "text.h"

namespace calls {

namespace {

bool startsUpper(const std::string& w) {
  if (w.empty()) return false;
  const unsigned char c = static_cast<unsigned char>(w[0]);
  if (c >= 'A' && c <= 'Z') return true;
  // Ä Ö Ü É ... (UTF-8 lead byte 0xC3, second byte 0x80..0x9E are capitals)
  return c == 0xC3 && w.size() > 1 && static_cast<unsigned char>(w[1]) >= 0x80 &&
         static_cast<unsigned char>(w[1]) <= 0x9E;
}

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c >= 0x80 || ch == '-' || ch == '\'') {
      cur += ch;
    } else {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      if (ch == '.' || ch == ',' || ch == '!' || ch == '?' || ch == ';') out.push_back(",");
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool isTitle(const std::string& folded) {
  for (const char* t : {"herr", "frau", "mr", "mrs", "ms", "miss", "dr", "doktor"})
    if (folded == t) return true;
  return false;
}

// Words that start a sentence in capitals but are no name.
bool notAName(const std::string& folded) {
  for (const char* w :
       {"ich",         "und",          "der",     "die",    "das",   "ein", "eine",   "hier",
        "from",        "von",          "calling", "i",      "the",   "a",   "and",    "mit",
        "with",        "gerne",        "gern",    "hallo",  "hello", "hi",  "ja",     "yes",
        "nein",        "no",           "kunde",   "kundin", "neu",   "new", "termin", "stammkunde",
        "stammkundin", "interessiert", "salon",   "morgen", "heute", "am",  "im",     "um"})
    if (folded == w) return true;
  return false;
}

std::string clean(const std::string& raw) {
  auto name = switchboard::text::bounded(raw, switchboard::text::kMaxNameChars);
  while (!name.empty() && (name.back() == ' ' || name.back() == ',')) name.pop_back();
  return name;
}

}  // namespace

std::optional<NameFound> findCallerName(const std::vector<std::string>& user_turns,
                                        const std::string& analysis_json) {
  if (!analysis_json.empty()) {
    try {
      const auto doc = switchboard::json::parse(analysis_json);
      for (const char* key : {"customer_name", "caller_name", "name"})
        if (auto n = doc.root().string(key); n && !clean(*n).empty())
          return NameFound{clean(*n), "analysis"};
    } catch (const std::exception&) {
    }
  }
  // Lead-ins, folded; the name is the capitalised words right after (titles skipped).
  static const std::vector<std::vector<std::string>> kLeads = {{"mein", "name", "ist"},
                                                               {"ich", "heisse"},
                                                               {"ich", "bin"},
                                                               {"hier", "ist"},
                                                               {"hier", "spricht"},
                                                               {"my", "name", "is"},
                                                               {"this", "is"},
                                                               {"its"},
                                                               {"i", "am"}};
  for (const auto& turn : user_turns) {
    const auto w = words(turn);
    std::vector<std::string> f;
    for (const auto& x : w) f.push_back(fold(x));
    for (std::size_t i = 0; i < w.size(); ++i) {
      for (const auto& lead : kLeads) {
        if (i + lead.size() > w.size()) continue;
        bool match = true;
        for (std::size_t k = 0; k < lead.size() && match; ++k) match = f[i + k] == lead[k];
        if (!match) continue;
        std::size_t j = i + lead.size();
        if (j < w.size() && (f[j] == "der" || f[j] == "die")) ++j;
        while (j < w.size() && isTitle(f[j])) ++j;
        std::string name;
        std::size_t taken = 0;
        while (j < w.size() && taken < 3 && startsUpper(w[j]) && !notAName(f[j])) {
          name += (name.empty() ? "" : " ") + w[j];
          ++j;
          ++taken;
        }
        if (name.empty()) continue;
        // "it's Jana Weber calling": the lead "its" needs "calling" after the name.
        if (lead.size() == 1 && lead[0] == "its" && !(j < f.size() && f[j] == "calling")) continue;
        return NameFound{name, "transcript"};
      }
    }
  }
  return std::nullopt;
}

}  // namespace calls
