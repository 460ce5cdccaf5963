// Everything a plugin may touch, in one handle (compare Kong's PDK, userver's ComponentContext).
#pragma once

#include <boost/config.hpp>
#include <memory>
#include <string>

#include "switchboard/clock.h"
#include "switchboard/commands.h"
#include "switchboard/events.h"
#include "switchboard/health.h"
#include "switchboard/http.h"
#include "switchboard/http_client.h"
#include "switchboard/inbox.h"
#include "switchboard/services.h"
#include "switchboard/store.h"

namespace YAML {
class Node;
}
namespace spdlog {
class logger;
}

namespace switchboard {

// Lives as long as the plugin instance it was given to.
class BOOST_SYMBOL_VISIBLE Host {
 public:
  virtual ~Host();

  virtual const std::string& name() const = 0;   // the instance name in YAML `plugins:`
  virtual const YAML::Node& config() const = 0;  // its `config:` section, ${ENV} expanded
  // The file config() came from (its nodes' positions are in it): see
  // switchboard/config/plugin_config.h.
  virtual const std::string& configFile() const = 0;
  virtual std::shared_ptr<spdlog::logger> log() const = 0;  // named after the instance
  virtual HttpRegistry& http() = 0;
  virtual EventBus& events() = 0;
  virtual ServiceRegistry& services() = 0;
  // Outbound HTTP with this plugin's `http_client:` settings (switchboard/http_client.h).
  virtual HttpClient& client() = 0;
  virtual const Clock& clock() const = 0;
  // The database; throws when the config has no `storage:`.
  virtual Store& store() = 0;
  // Durable jobs for this plugin; throws when the config has no `storage:`.
  virtual Jobs& jobs() = 0;

  // `path` taken against the main config file's directory (unless absolute).
  virtual std::string resolvePath(const std::string& path) const = 0;
  // Reads a YAML file the plugin owns (a catalog, templates) the way the kernel reads its own:
  // ${ENV} expanded, those values redacted from every log line. Throws
  // config::ConfigInvalid (switchboard/config/diagnostic.h) with `file:line:col` problems.
  virtual YAML::Node readConfigFile(const std::string& path) = 0;

  // Adds a check to /api/health/detailed, shown as `<instance>.<name>` (in configure()).
  virtual void healthCheck(const std::string& name, HealthProbe probe) = 0;

  // Adds `switchboard <instance> <command.name>` to the CLI (in configure()).
  virtual void command(Command command) = 0;
};

}  // namespace switchboard
