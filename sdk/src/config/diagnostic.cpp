#include "switchboard/config/diagnostic.h"

#include <yaml-cpp/yaml.h>

namespace switchboard::config {

Position Position::of(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

std::string Diagnostic::str() const {
  std::string out = at.file;
  if (at.line > 0) out += ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
  return out + ": " + message;
}

std::string joinLines(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out += "\n";
    out += d.str();
  }
  return out;
}

ConfigInvalid::ConfigInvalid(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(joinLines(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace switchboard::config
