#include "plugin_host/dependency_order.h"

#include <algorithm>
#include <map>
#include <set>

namespace switchboard::kernel::plugins {

std::vector<std::size_t> startOrder(const std::vector<DependencyNode>& nodes) {
  std::map<std::string, std::size_t> provider;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const auto& service : nodes[i].provides)
      if (auto [it, fresh] = provider.emplace(service, i); !fresh)
        throw DependencyError(nodes[i].name, "plugin '" + nodes[i].name + "' provides '" + service +
                                                 "', which plugin '" + nodes[it->second].name +
                                                 "' already provides");

  std::vector<std::vector<std::size_t>> before(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const auto& service : nodes[i].needs) {
      auto it = provider.find(service);
      if (it == provider.end())
        throw DependencyError(nodes[i].name, "plugin '" + nodes[i].name + "' needs service '" +
                                                 service +
                                                 "', which no configured plugin provides");
      if (it->second != i) before[i].push_back(it->second);
    }

  // Kahn's algorithm, always taking the earliest ready plugin in YAML order: providers come
  // first, and otherwise the written order stands.
  std::vector<std::size_t> blockers(nodes.size(), 0);
  std::vector<std::vector<std::size_t>> users(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (std::size_t dep : before[i]) {
      ++blockers[i];
      users[dep].push_back(i);
    }
  std::set<std::size_t> ready;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (blockers[i] == 0) ready.insert(i);
  std::vector<std::size_t> order;
  while (!ready.empty()) {
    const std::size_t next = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(next);
    for (std::size_t user : users[next])
      if (--blockers[user] == 0) ready.insert(user);
  }
  if (order.size() < nodes.size()) {
    // Every plugin left waits for another one left: follow the waits until one repeats.
    std::size_t at = 0;
    while (blockers[at] == 0) ++at;
    std::vector<std::size_t> path;
    while (std::find(path.begin(), path.end(), at) == path.end()) {
      path.push_back(at);
      for (std::size_t dep : before[at])
        if (blockers[dep] > 0) {
          at = dep;
          break;
        }
    }
    std::string cycle;
    for (auto it = std::find(path.begin(), path.end(), at); it != path.end(); ++it)
      cycle += nodes[*it].name + " -> ";
    throw DependencyError(nodes[at].name,
                          "plugins depend on each other in a cycle: " + cycle + nodes[at].name);
  }
  return order;
}

}  // namespace switchboard::kernel::plugins
