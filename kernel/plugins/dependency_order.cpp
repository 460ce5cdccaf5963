#include "plugins/dependency_order.h"

#include <map>

namespace sb::plugins {

std::vector<std::size_t> startOrder(const std::vector<DependencyNode>& nodes) {
  std::map<std::string, std::size_t> provider;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const auto& service : nodes[i].provides)
      if (auto [it, fresh] = provider.emplace(service, i); !fresh)
        throw DependencyError(nodes[i].name, "plugin '" + nodes[i].name + "' provides '" +
                                                 service + "', which plugin '" +
                                                 nodes[it->second].name + "' already provides");

  std::vector<std::vector<std::size_t>> before(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const auto& service : nodes[i].needs) {
      auto it = provider.find(service);
      if (it == provider.end())
        throw DependencyError(nodes[i].name, "plugin '" + nodes[i].name + "' needs service '" +
                                                 service + "', which no configured plugin provides");
      if (it->second != i) before[i].push_back(it->second);
    }

  // Depth-first, visiting in YAML order, so independent plugins keep their written order.
  enum class Mark { None, Visiting, Done };
  std::vector<Mark> mark(nodes.size(), Mark::None);
  std::vector<std::size_t> order;
  auto visit = [&](auto&& self, std::size_t i, std::vector<std::string>& path) -> void {
    if (mark[i] == Mark::Done) return;
    path.push_back(nodes[i].name);
    if (mark[i] == Mark::Visiting) {
      std::string cycle;
      for (const auto& n : path) cycle += (cycle.empty() ? "" : " -> ") + n;
      throw DependencyError(nodes[i].name, "plugins depend on each other in a cycle: " + cycle);
    }
    mark[i] = Mark::Visiting;
    for (std::size_t dep : before[i]) self(self, dep, path);
    mark[i] = Mark::Done;
    path.pop_back();
    order.push_back(i);
  };
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    std::vector<std::string> path;
    visit(visit, i, path);
  }
  return order;
}

}  // namespace sb::plugins
