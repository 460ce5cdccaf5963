// Start order from what plugins provide and need: a provider starts before its users; among
// independent plugins the YAML order stands.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace switchboard::kernel::plugins {

struct DependencyNode {
  std::string name;
  std::vector<std::string> provides;
  std::vector<std::string> needs;
};

class DependencyError : public std::runtime_error {
 public:
  DependencyError(std::string plugin, const std::string& message)
      : std::runtime_error(message), plugin_(std::move(plugin)) {}
  const std::string& plugin() const { return plugin_; }

 private:
  std::string plugin_;
};

// Indices into `nodes` in start order. Throws DependencyError for a need nobody provides, a
// service provided twice, or a cycle.
std::vector<std::size_t> startOrder(const std::vector<DependencyNode>& nodes);

}  // namespace switchboard::kernel::plugins
