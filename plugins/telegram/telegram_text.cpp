#include "telegram_text.h"

namespace telegram {

std::string htmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

std::vector<std::string> split(std::string_view text, std::size_t limit) {
  std::vector<std::string> out;
  while (text.size() > limit) {
    std::size_t cut = text.rfind('\n', limit);
    if (cut == std::string_view::npos || cut < limit / 2) cut = text.rfind(' ', limit);
    if (cut == std::string_view::npos || cut < limit / 2) {
      cut = limit;  // no break worth taking: cut, but not inside a UTF-8 sequence
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    }
    if (cut == 0) cut = limit;
    out.emplace_back(text.substr(0, cut));
    text.remove_prefix(cut);
    while (!text.empty() && (text.front() == '\n' || text.front() == ' ')) text.remove_prefix(1);
  }
  if (!text.empty() || out.empty()) out.emplace_back(text);
  return out;
}

}  // namespace telegram
