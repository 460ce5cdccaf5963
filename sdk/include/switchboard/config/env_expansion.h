// `${NAME}` in YAML scalars is replaced by the environment variable NAME; `$${` stays a
// literal `${`. A missing variable is an error that names it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/config/diagnostic.h"

namespace switchboard::config {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

EnvLookup processEnvironment();

// Expands every scalar under `root` in place. What must never be logged is appended to
// `expanded`: a value whose variable or YAML key names a key, token, password, secret,
// credential or auth (`${SALON_CALCOM_KEY}`, `auth_token: ${X}`), and the password in a URL's
// user info; an address, a URL or an id stays readable. Problems go to `problems`.
void expandEnvironment(YAML::Node root, const std::string& file, const EnvLookup& env,
                       std::vector<std::string>& expanded, std::vector<Diagnostic>& problems);

}  // namespace switchboard::config
