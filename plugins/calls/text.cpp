#include "text.h"

#include <cctype>

namespace calls {

std::string fold(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0xC3 && i + 1 < text.size()) {
      const unsigned char d = static_cast<unsigned char>(text[i + 1]);
      const char* repl = nullptr;
      switch (d) {
        case 0xA4:
        case 0x84:
          repl = "ae";
          break;  // ä Ä
        case 0xB6:
        case 0x96:
          repl = "oe";
          break;  // ö Ö
        case 0xBC:
        case 0x9C:
          repl = "ue";
          break;  // ü Ü
        case 0x9F:
          repl = "ss";
          break;  // ß
        case 0xA9:
        case 0xA8:
        case 0x89:
          repl = "e";
          break;  // é è É
        case 0xA1:
        case 0xA0:
          repl = "a";
          break;  // á à
        default:
          break;
      }
      if (repl) {
        out += repl;
        ++i;
        continue;
      }
    }
    if (c == '\'') continue;
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0x99) {  // ’
      i += 2;
      continue;
    }
    out += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
  }
  // a.m. / p.m. as words
  for (const char* form : {"a.m.", "p.m."}) {
    for (auto at = out.find(form); at != std::string::npos; at = out.find(form, at)) {
      out.replace(at, 4, form[0] == 'a' ? "am " : "pm ");
    }
  }
  return out;
}

namespace {

bool digit(char c) {
  return c >= '0' && c <= '9';
}
bool letter(char c) {
  return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
}

// "14:30", "5.1.", "5.1.2027", "3.", "2025-11-27", "9.30", "14"
Token numberToken(const std::string& s) {
  Token t;
  t.text = s;
  std::vector<int> parts;
  std::vector<char> seps;
  int value = 0;
  bool in = false;
  for (char ch : s) {
    if (digit(ch)) {
      value = value * 10 + (ch - '0');
      in = true;
      if (value > 100000) value = 100000;
    } else {
      if (in) parts.push_back(value);
      value = 0;
      in = false;
      seps.push_back(ch);
    }
  }
  if (in) parts.push_back(value);
  const bool trailing_dot = !s.empty() && s.back() == '.';
  if (parts.size() == 1) {
    t.kind = Token::kNumber;
    t.a = parts[0];
    t.ordinal = trailing_dot;
  } else if (parts.size() == 2 && !seps.empty() && seps[0] == ':') {
    t.kind = Token::kClock;
    t.a = parts[0];
    t.b = parts[1];
  } else if (parts.size() == 2 && seps[0] == '.' && trailing_dot) {
    t.kind = Token::kDate;
    t.a = parts[0];
    t.b = parts[1];
  } else if (parts.size() == 2 && seps[0] == '.') {
    t.kind = Token::kPair;
    t.a = parts[0];
    t.b = parts[1];
  } else if (parts.size() == 3 && seps[0] == '-' && parts[0] > 1900) {
    t.kind = Token::kDate;
    t.a = parts[2];
    t.b = parts[1];
    t.c = parts[0];
  } else if (parts.size() == 3 && seps[0] == '.') {
    t.kind = Token::kDate;
    t.a = parts[0];
    t.b = parts[1];
    t.c = parts[2] < 100 ? 2000 + parts[2] : parts[2];
  } else {
    t.kind = Token::kWord;  // a phone number, a price: nothing we read
  }
  return t;
}

}  // namespace

std::vector<Token> tokenize(const std::string& folded) {
  std::vector<Token> out;
  std::size_t i = 0;
  const std::size_t n = folded.size();
  auto brk = [&] {
    if (!out.empty() && out.back().kind != Token::kBreak) out.push_back({Token::kBreak, "|"});
  };
  while (i < n) {
    const char c = folded[i];
    if (digit(c)) {
      std::size_t j = i;
      while (j < n && (digit(folded[j]) ||
                       ((folded[j] == '.' || folded[j] == ':' || folded[j] == '-') && j + 1 <= n)))
        ++j;
      std::string cluster = folded.substr(i, j - i);
      // A sentence's full stop after a number ("um 14.") stays a full stop when a capital or
      // the end follows: we cannot see capitals any more, so keep "3." as an ordinal only when
      // a word follows on the same line.
      while (!cluster.empty() && (cluster.back() == '-' || cluster.back() == ':'))
        cluster.pop_back();
      Token t = numberToken(cluster);
      // "2nd", "3rd", "1st", "4th"
      std::size_t k = i + cluster.size();
      if (t.kind == Token::kNumber && k + 1 < n + 1) {
        const std::string suffix = folded.substr(k, 2);
        if ((suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th") &&
            (k + 2 >= n || !letter(folded[k + 2]))) {
          t.ordinal = true;
          k += 2;
        }
      }
      out.push_back(t);
      i = k;
      continue;
    }
    if (letter(c)) {
      std::size_t j = i;
      while (j < n && letter(folded[j])) ++j;
      out.push_back({Token::kWord, folded.substr(i, j - i)});
      i = j;
      continue;
    }
    if (c == '.' || c == '!' || c == '?' || c == '\n' || c == ';') brk();
    ++i;
  }
  return out;
}

std::string stem(const std::string& word) {
  for (const char* ending : {"ern", "en", "er", "es", "e", "n", "s"}) {
    const std::size_t len = std::char_traits<char>::length(ending);
    if (word.size() >= len + 4 && word.compare(word.size() - len, len, ending) == 0)
      return word.substr(0, word.size() - len);
  }
  return word;
}

}  // namespace calls
