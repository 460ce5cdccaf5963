// Errors a plugin may throw to the kernel.
#pragma once

#include <boost/config.hpp>
#include <stdexcept>
#include <string>

namespace YAML {
class Node;
}

namespace switchboard {

// A configuration problem at a YAML node; the kernel reports it as `file:line:col: message`.
class BOOST_SYMBOL_VISIBLE ConfigError : public std::runtime_error {
 public:
  ConfigError(const YAML::Node& at, const std::string& message);
  explicit ConfigError(const std::string& message);  // no position known
  ~ConfigError() override;

  int line() const { return line_; }      // 1-based, 0 when unknown
  int column() const { return column_; }  // 1-based, 0 when unknown

 private:
  int line_ = 0;
  int column_ = 0;
};

}  // namespace switchboard
