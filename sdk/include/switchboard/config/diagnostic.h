// A configuration problem with its place in a file: `file:line:col: message`.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace YAML {
class Node;
struct Mark;
}  // namespace YAML

namespace switchboard::config {

struct Position {
  std::string file;
  int line = 0;  // 1-based; 0 when unknown
  int column = 0;

  static Position of(const std::string& file, const YAML::Node& node);
};

struct Diagnostic {
  Position at;
  std::string message;

  std::string str() const;
};

// Thrown when a file does not load; carries every problem found, not only the first.
class ConfigInvalid : public std::runtime_error {
 public:
  explicit ConfigInvalid(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

std::string joinLines(const std::vector<Diagnostic>& diagnostics);

}  // namespace switchboard::config
