// Typed, position-reporting reads of YAML nodes: the schema checks of every config section
// are written with these, so each error reads `file:line:col: what is wrong`.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/config/diagnostic.h"

namespace switchboard::config {

class YamlReader {
 public:
  YamlReader(std::string file, std::vector<Diagnostic>& problems)
      : file_(std::move(file)), problems_(problems) {}

  const std::string& file() const { return file_; }
  void error(const YAML::Node& at, std::string message);

  // True when `node` is a map whose keys are all among `keys`; reports each unknown key.
  bool map(const YAML::Node& node, std::string_view what,
           std::initializer_list<std::string_view> keys);
  bool isMap(const YAML::Node& node, std::string_view what);

  std::optional<std::string> string(const YAML::Node& parent, const char* key,
                                    std::string_view what, bool required = false);
  std::optional<std::string> oneOf(const YAML::Node& parent, const char* key, std::string_view what,
                                   std::initializer_list<std::string_view> choices);
  std::optional<std::int64_t> integer(const YAML::Node& parent, const char* key,
                                      std::string_view what, std::int64_t min, std::int64_t max);
  std::optional<bool> boolean(const YAML::Node& parent, const char* key, std::string_view what);
  std::vector<std::string> strings(const YAML::Node& parent, const char* key,
                                   std::string_view what);

 private:
  std::string file_;
  std::vector<Diagnostic>& problems_;
};

}  // namespace switchboard::config
