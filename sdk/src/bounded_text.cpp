#include "switchboard/bounded_text.h"

namespace switchboard::text {

std::size_t utf8SequenceAt(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return 1;
  const std::size_t n = (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || b == 0xC0 || b == 0xC1 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}

std::string bounded(std::string_view text, std::size_t max_chars, bool ellipsis) {
  std::string out;
  std::size_t chars = 0;
  bool cut = false;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8SequenceAt(text, i);
    if (n == 0) {  // not UTF-8: dropped
      ++i;
      continue;
    }
    const auto b = static_cast<unsigned char>(text[i]);
    std::string_view piece = text.substr(i, n);
    i += n;
    if (n == 1 && (b == '\t' || b == '\n' || b == '\r')) {
      piece = " ";
    } else if ((n == 1 && (b < 0x20 || b == 0x7F)) ||
               (n == 2 && b == 0xC2 && static_cast<unsigned char>(piece[1]) < 0xA0)) {
      continue;  // a control character
    }
    if (piece == " " && (out.empty() || out.back() == ' ')) continue;  // trimmed, runs folded
    if (chars == max_chars) {
      cut = true;
      break;
    }
    out.append(piece);
    ++chars;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (cut && ellipsis && max_chars > 0) {
    // The last character makes room for the ellipsis.
    std::size_t last = out.size();
    while (last > 0 && (static_cast<unsigned char>(out[last - 1]) & 0xC0) == 0x80) --last;
    if (last > 0) out.resize(last - 1);
    out += "\u2026";
  }
  return out;
}

std::string cut(std::string_view text, std::size_t max_chars) {
  if (characters(text) <= max_chars) return std::string(text);
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size() && max_chars > 0; ++i) {
    const bool lead = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (lead && ++chars == max_chars) break;  // the last place is the ellipsis'
    out += text[i];
  }
  return max_chars > 0 ? out + "\u2026" : out;
}

std::size_t characters(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace switchboard::text
