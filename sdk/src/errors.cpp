#include "switchboard/errors.h"

#include <yaml-cpp/yaml.h>

namespace switchboard {

ConfigError::ConfigError(const YAML::Node& at, const std::string& message)
    : std::runtime_error(message) {
  const YAML::Mark mark = at.Mark();
  if (!mark.is_null()) {
    line_ = mark.line + 1;
    column_ = mark.column + 1;
  }
}

ConfigError::ConfigError(const std::string& message) : std::runtime_error(message) {}

ConfigError::~ConfigError() = default;

RetryLater::~RetryLater() = default;

}  // namespace switchboard
