// Errors a plugin may throw to the kernel.
#pragma once

#include <boost/config.hpp>
#include <chrono>
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

// Thrown by a webhook's, job's or event's processing: try again, no sooner than `after` (an
// upstream's Retry-After, OutboundResponse::retry_after). Counts as an attempt.
class BOOST_SYMBOL_VISIBLE RetryLater : public std::runtime_error {
 public:
  RetryLater(std::chrono::milliseconds after, const std::string& why)
      : std::runtime_error(why), after_(after) {}
  ~RetryLater() override;
  std::chrono::milliseconds after() const { return after_; }

 private:
  std::chrono::milliseconds after_;
};

}  // namespace switchboard
