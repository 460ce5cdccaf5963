// Reads the main YAML file into a Config: parse, ${ENV} expansion, schema checks, plugin
// library resolution. Checks that need the plugins themselves (do the handlers that routes
// name exist?) are in handler_check.h.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "switchboard/config/env_expansion.h"

namespace switchboard::kernel::config {

struct LoadOptions {
  EnvLookup env = processEnvironment();
  // Searched after the file's own `plugin_dirs`, in order.
  std::vector<std::string> default_plugin_dirs;
};

// Throws ConfigInvalid with every problem found.
Config loadConfig(const std::string& path, const LoadOptions& options);

// Paths the kernel serves itself; YAML routes may not claim them.
bool isKernelPath(const std::string& path);

}  // namespace switchboard::kernel::config
