#include "util/utf8.h"

namespace switchboard::kernel::util {

bool isStorableText(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra;
    unsigned min;
    unsigned cp;
    if ((c & 0xE0) == 0xC0)
      extra = 1, min = 0x80, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
      extra = 2, min = 0x800, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
      extra = 3, min = 0x10000, cp = c & 0x07;
    else
      return false;
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace switchboard::kernel::util
