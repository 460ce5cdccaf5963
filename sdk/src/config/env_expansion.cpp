#include "switchboard/config/env_expansion.h"

#include <cctype>
#include <cstdlib>

namespace switchboard::config {
namespace {

// Secret by its name (the variable's or the YAML key's): keys, tokens, passwords, secrets.
// Addresses, URLs, ids and numbers are not, and stay readable in the log.
bool secretName(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word :
       {"key", "token", "password", "passwd", "secret", "credential", "auth", "private"})
    if (name.find(word) != std::string::npos) return true;
  return false;
}

// What must not be logged of `value`: all of it when secret by name, else the password a URL
// carries in its user info (postgresql://user:password@host/db).
void noteSecrets(const std::string& value, bool secret, std::vector<std::string>& expanded) {
  if (secret) {
    expanded.push_back(value);
    return;
  }
  const auto scheme = value.find("://");
  if (scheme == std::string::npos) return;
  const auto at = value.find('@', scheme + 3);
  const auto slash = value.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return;
  const auto userinfo = value.substr(scheme + 3, at - scheme - 3);
  const auto colon = userinfo.find(':');
  if (colon != std::string::npos && colon + 1 < userinfo.size())
    expanded.push_back(userinfo.substr(colon + 1));
}

bool isNameChar(char c, bool first) {
  return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (!first && c >= '0' && c <= '9');
}

void expandScalar(YAML::Node node, const std::string& file, const std::string& key,
                  const EnvLookup& env, std::vector<std::string>& expanded,
                  std::vector<Diagnostic>& problems) {
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
    noteSecrets(*value, secretName(name) || secretName(key), expanded);
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

namespace {
void expandUnder(YAML::Node node, const std::string& file, const std::string& key,
                 const EnvLookup& env, std::vector<std::string>& expanded,
                 std::vector<Diagnostic>& problems) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      expandScalar(node, file, key, env, expanded, problems);
      break;
    case YAML::NodeType::Sequence:
      for (auto child : node) expandUnder(child, file, key, env, expanded, problems);
      break;
    case YAML::NodeType::Map:
      for (auto kv : node) expandUnder(kv.second, file, kv.first.Scalar(), env, expanded, problems);
      break;
    default:
      break;
  }
}
}  // namespace

void expandEnvironment(YAML::Node root, const std::string& file, const EnvLookup& env,
                       std::vector<std::string>& expanded, std::vector<Diagnostic>& problems) {
  expandUnder(root, file, "", env, expanded, problems);
}

}  // namespace switchboard::config
