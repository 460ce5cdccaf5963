#include "templates.h"

#include <algorithm>
#include <stdexcept>

#include "switchboard/bounded_text.h"

namespace notifications {

namespace {

const std::set<std::string> kCommon{"customer", "company", "service", "branch",  "address",
                                    "date",     "time",    "weekday", "end_time"};

std::set<std::string> with(std::initializer_list<const char*> more) {
  std::set<std::string> s = kCommon;
  for (const char* m : more) s.insert(m);
  return s;
}

}  // namespace

const std::vector<std::string>& templateKinds() {
  static const std::vector<std::string> kinds{"appointment_booked",      "alternative_booked",
                                              "alternatives_offered",    "appointment_cancelled",
                                              "appointment_rescheduled", "appointment_reminder"};
  return kinds;
}

const std::set<std::string>& variablesOf(const std::string& kind) {
  static const std::map<std::string, std::set<std::string>> vars{
      {"appointment_booked", kCommon},
      {"alternative_booked", with({"requested_date", "requested_time", "reason"})},
      {"alternatives_offered", with({"alternatives"})},  // date/time: the time asked for
      {"appointment_cancelled", kCommon},
      {"appointment_rescheduled", with({"previous_date", "previous_time"})},
      {"appointment_reminder", kCommon}};
  static const std::set<std::string> none;
  const auto it = vars.find(kind);
  return it == vars.end() ? none : it->second;
}

std::vector<std::string> placeholders(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    const auto close = text.find('}', i);
    if (close == std::string::npos) throw std::invalid_argument("a '{' without its '}'");
    if (close == i + 1) throw std::invalid_argument("an empty '{}'");
    out.push_back(text.substr(i + 1, close - i - 1));
    i = close;
  }
  return out;
}

std::string fill(const std::string& text, const std::map<std::string, std::string>& vars) {
  std::string out;
  out.reserve(text.size() + 64);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto close = text[i] == '{' ? text.find('}', i) : std::string::npos;
    if (close == std::string::npos) {
      out += text[i];
      continue;
    }
    if (auto it = vars.find(text.substr(i + 1, close - i - 1)); it != vars.end()) out += it->second;
    i = close;
  }
  return out;
}

namespace {
constexpr std::size_t kMaxSmsChars = 1600;      // Twilio's limit for one message
constexpr std::size_t kMaxVariableChars = 100;  // a name's bound (switchboard/bounded_text.h)

// The longest a variable's value can be: a list of offered times is longer than a name.
std::size_t longestValue(const std::string& variable) {
  return variable == "alternatives" ? kMaxAlternativesChars : kMaxVariableChars;
}

std::string kindList() {
  std::string out;
  for (const auto& k : templateKinds()) out += (out.empty() ? "" : ", ") + k;
  return out;
}
}  // namespace

void Templates::read(switchboard::config::YamlReader& r, const YAML::Node& node,
                     const std::vector<std::string>& required_languages) {
  sets_.clear();
  if (!r.isMap(node, "config.templates")) return;
  if (!node["default"].IsDefined()) r.error(node, "config.templates needs a 'default' set");
  for (const auto& owner : node) {
    const auto name = owner.first.Scalar();
    const std::string where = "config.templates." + name;
    if (!r.isMap(owner.second, where)) continue;
    for (const auto& lang : owner.second) {
      const auto language = lang.first.Scalar();
      if (!r.isMap(lang.second, where + "." + language)) continue;
      for (const auto& entry : lang.second) {
        const auto kind = entry.first.Scalar();
        const std::string at = where + "." + language + "." + kind;
        const auto& kinds = templateKinds();
        if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
          r.error(entry.first, at + ": unknown message kind (expected one of " + kindList() + ")");
          continue;
        }
        if (!entry.second.IsScalar()) {
          r.error(entry.second, at + " must be a text");
          continue;
        }
        const auto text = entry.second.Scalar();
        try {
          const auto vars = placeholders(text);
          for (const auto& v : vars)
            if (!variablesOf(kind).count(v))
              r.error(entry.second, at + ": unknown variable {" + v + "}");
          // The longest the text can be, each variable at its longest (names are cut to
          // kMaxVariableChars; catalog texts are the admins' and as long): over Twilio's limit
          // the sender would cut the message.
          std::size_t longest = switchboard::text::characters(text);
          for (const auto& v : vars) longest += longestValue(v) - (v.size() + 2);
          if (longest > kMaxSmsChars)
            r.error(entry.second, at + ": can be " + std::to_string(longest) +
                                      " characters with its variables at their longest (" +
                                      std::to_string(kMaxVariableChars) +
                                      " each); an SMS is cut at " + std::to_string(kMaxSmsChars));
        } catch (const std::invalid_argument& e) {
          r.error(entry.second, at + ": " + e.what());
        }
        sets_[name][language][kind] = text;
      }
    }
  }
  if (const YAML::Node d = node["default"]; d.IsDefined() && d.IsMap())
    for (const auto& language : required_languages) {
      if (!d[language].IsDefined()) {
        r.error(d, "config.templates.default: missing language '" + language + "'");
        continue;
      }
      for (const auto& kind : templateKinds())
        if (!lookup("default", language, kind))
          r.error(d[language], "config.templates.default." + language + ": missing '" + kind + "'");
    }
}

const std::string* Templates::lookup(const std::string& owner, const std::string& language,
                                     const std::string& kind) const {
  const auto o = sets_.find(owner);
  if (o == sets_.end()) return nullptr;
  const auto l = o->second.find(language);
  if (l == o->second.end()) return nullptr;
  const auto k = l->second.find(kind);
  return k == l->second.end() ? nullptr : &k->second;
}

std::string Templates::languageOf(const std::string& company, const std::string& kind,
                                  const std::string& language,
                                  const std::string& fallback_language) const {
  for (const auto& l : {language, fallback_language, std::string("en")})
    if (!l.empty() && (lookup(company, l, kind) || lookup("default", l, kind))) return l;
  return "";
}

std::string Templates::find(const std::string& company, const std::string& kind,
                            const std::string& language,
                            const std::string& fallback_language) const {
  const auto l = languageOf(company, kind, language, fallback_language);
  if (l.empty()) return "";
  if (const auto* t = lookup(company, l, kind)) return *t;
  return *lookup("default", l, kind);
}

}  // namespace notifications
