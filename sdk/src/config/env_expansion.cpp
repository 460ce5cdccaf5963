#include "switchboard/config/env_expansion.h"

#include <cstdlib>

namespace switchboard::config {
namespace {

bool isNameChar(char c, bool first) {
  return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (!first && c >= '0' && c <= '9');
}

void expandScalar(YAML::Node node, const std::string& file, const EnvLookup& env,
                  std::vector<std::string>& expanded, std::vector<Diagnostic>& problems) {
  const std::string in = node.Scalar();
  if (in.find('$') == std::string::npos) return;
  std::string out;
  bool changed = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 2;
      changed = true;
      continue;
    }
    if (in.compare(i, 2, "${") != 0) {
      out += in[i];
      continue;
    }
    const std::size_t close = in.find('}', i + 2);
    const std::string name = close == std::string::npos ? "" : in.substr(i + 2, close - i - 2);
    bool valid = !name.empty();
    for (std::size_t k = 0; k < name.size() && valid; ++k) valid = isNameChar(name[k], k == 0);
    if (!valid) {
      problems.push_back(
          {Position::of(file, node), "malformed environment reference in '" + in +
                                         "' (expected ${NAME} with letters, digits and _)"});
      return;
    }
    const auto value = env(name);
    if (!value) {
      problems.push_back(
          {Position::of(file, node), "environment variable " + name + " is not set"});
      return;
    }
    out += *value;
    expanded.push_back(*value);
    changed = true;
    i = close;
  }
  if (changed) node = out;  // yaml-cpp keeps the node's mark, so positions stay right
}

}  // namespace

EnvLookup processEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

void expandEnvironment(YAML::Node root, const std::string& file, const EnvLookup& env,
                       std::vector<std::string>& expanded, std::vector<Diagnostic>& problems) {
  switch (root.Type()) {
    case YAML::NodeType::Scalar:
      expandScalar(root, file, env, expanded, problems);
      break;
    case YAML::NodeType::Sequence:
      for (auto child : root) expandEnvironment(child, file, env, expanded, problems);
      break;
    case YAML::NodeType::Map:
      for (auto kv : root) expandEnvironment(kv.second, file, env, expanded, problems);
      break;
    default:
      break;
  }
}

}  // namespace switchboard::config
