#include "http/route_table.h"

#include <stdexcept>

#include "switchboard/http.h"

namespace switchboard::kernel::http {
namespace {

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

void RouteTable::add(const std::string& path, RouteTarget target) {
  PathEntry* entry = nullptr;
  if (path.find('{') == std::string::npos) {
    entry = &exact_[path];
  } else {
    std::vector<std::string> segments;
    for (auto s : split(path)) segments.emplace_back(s);
    for (auto& p : patterns_)
      if (p.segments == segments) entry = &p;
    if (!entry) entry = &patterns_.emplace_back(PathEntry{std::move(segments), {}});
  }
  for (const auto& t : entry->targets)
    if (t.method == target.method)
      throw std::invalid_argument("duplicate route " + target.method + " " + path);
  entry->targets.push_back(std::move(target));
}

void RouteTable::pick(const PathEntry& entry, std::string_view method, Match& out) {
  for (const auto& t : entry.targets) {
    if (t.method == method) {
      out.target = &t;
      return;
    }
  }
  for (const auto& t : entry.targets) out.allow += (out.allow.empty() ? "" : ", ") + t.method;
}

RouteTable::Match RouteTable::match(std::string_view method, std::string_view path) const {
  Match out;
  if (auto it = exact_.find(std::string(path)); it != exact_.end()) {
    pick(it->second, method, out);
    return out;
  }
  if (patterns_.empty() || path.empty() || path[0] != '/') return out;
  const auto parts = split(path);
  for (const auto& p : patterns_) {
    if (p.segments.size() != parts.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < parts.size() && same; ++i) {
      const auto& s = p.segments[i];
      same = s[0] == '{' ? !parts[i].empty() : s == parts[i];
    }
    if (!same) continue;
    pick(p, method, out);
    if (!out.target) return out;  // the path is known; 405 with Allow
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const auto& s = p.segments[i];
      if (s[0] == '{')
        out.params.emplace_back(s.substr(1, s.size() - 2),
                                switchboard::percentDecode(parts[i], false));
    }
    return out;
  }
  return out;
}

}  // namespace switchboard::kernel::http
