#include "switchboard/config/yaml_reader.h"

namespace switchboard::config {

void YamlReader::error(const YAML::Node& at, std::string message) {
  problems_.push_back({Position::of(file_, at), std::move(message)});
}

bool YamlReader::isMap(const YAML::Node& node, std::string_view what) {
  if (node.IsMap()) return true;
  error(node, std::string(what) + " must be a map");
  return false;
}

bool YamlReader::map(const YAML::Node& node, std::string_view what,
                     std::initializer_list<std::string_view> keys) {
  if (!isMap(node, what)) return false;
  bool ok = true;
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    bool known = false;
    for (auto k : keys) known = known || k == key;
    if (known) continue;
    std::string expected;
    for (auto k : keys) expected += (expected.empty() ? "" : ", ") + std::string(k);
    error(kv.first, "unknown key '" + key + "' in " + std::string(what) +
                        " (expected one of: " + expected + ")");
    ok = false;
  }
  return ok;
}

std::optional<std::string> YamlReader::string(const YAML::Node& parent, const char* key,
                                              std::string_view what, bool required) {
  const YAML::Node node = parent[key];
  if (!node.IsDefined() || node.IsNull()) {
    if (required) error(parent, std::string(what) + "." + key + " is required");
    return std::nullopt;
  }
  if (!node.IsScalar()) {
    error(node, std::string(what) + "." + key + " must be a string");
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::string> YamlReader::oneOf(const YAML::Node& parent, const char* key,
                                             std::string_view what,
                                             std::initializer_list<std::string_view> choices) {
  auto value = string(parent, key, what);
  if (!value) return std::nullopt;
  for (auto c : choices)
    if (c == *value) return value;
  std::string expected;
  for (auto c : choices) expected += (expected.empty() ? "" : ", ") + std::string(c);
  error(parent[key], std::string(what) + "." + key + " must be one of: " + expected);
  return std::nullopt;
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& parent, const char* key,
                                                std::string_view what, std::int64_t min,
                                                std::int64_t max) {
  const YAML::Node node = parent[key];
  if (!node.IsDefined() || node.IsNull()) return std::nullopt;
  std::int64_t value = 0;
  if (!node.IsScalar() || node.Tag() == "!" || !YAML::convert<std::int64_t>::decode(node, value)) {
    error(node, std::string(what) + "." + key + " must be an integer");
    return std::nullopt;
  }
  if (value < min || value > max) {
    error(node, std::string(what) + "." + key + " must be between " + std::to_string(min) +
                    " and " + std::to_string(max));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& parent, const char* key,
                                        std::string_view what) {
  const YAML::Node node = parent[key];
  if (!node.IsDefined() || node.IsNull()) return std::nullopt;
  bool value = false;
  if (!node.IsScalar() || node.Tag() == "!" || !YAML::convert<bool>::decode(node, value)) {
    error(node, std::string(what) + "." + key + " must be true or false");
    return std::nullopt;
  }
  return value;
}

std::vector<std::string> YamlReader::strings(const YAML::Node& parent, const char* key,
                                             std::string_view what) {
  std::vector<std::string> out;
  const YAML::Node node = parent[key];
  if (!node.IsDefined() || node.IsNull()) return out;
  if (!node.IsSequence()) {
    error(node, std::string(what) + "." + key + " must be a list of strings");
    return out;
  }
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      error(item, std::string(what) + "." + key + " must be a list of strings");
      continue;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

}  // namespace switchboard::config
