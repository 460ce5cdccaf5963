#include "service_lookup.h"

#include <cctype>
#include <string>

namespace booking {

namespace {

// ASCII lower case and the German capitals' UTF-8 forms (Ä Ö Ü → ä ö ü); trimmed.
std::string folded(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c == 0xC3 && i + 1 < in.size()) {
      const auto n = static_cast<unsigned char>(in[i + 1]);
      out += static_cast<char>(c);
      out += static_cast<char>(n == 0x84 || n == 0x96 || n == 0x9C ? n + 0x20 : n);
      ++i;
      continue;
    }
    out += static_cast<char>(std::tolower(c));
  }
  const auto first = out.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return out.substr(first, out.find_last_not_of(" \t") - first + 1);
}

}  // namespace

const switchboard::domain::Service* findService(
    const std::vector<switchboard::domain::Service>& services, std::string_view said) {
  const auto want = folded(said);
  if (want.empty()) return nullptr;
  for (const auto& s : services) {
    if (!s.active) continue;
    if (folded(s.id) == want || folded(s.name) == want) return &s;
    for (const auto& a : s.aliases)
      if (folded(a) == want) return &s;
  }
  const switchboard::domain::Service* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& s : services) {
    if (!s.active) continue;
    std::vector<std::string> names{folded(s.name)};
    for (const auto& a : s.aliases) names.push_back(folded(a));
    for (const auto& n : names)
      if (!n.empty() && (want.find(n) != std::string::npos || n.find(want) != std::string::npos) &&
          n.size() > best_length) {
        best = &s;
        best_length = n.size();
      }
  }
  return best;
}

}  // namespace booking
