// What a plugin is: a named component with a configure → start → stop life cycle.
#pragma once

#include <boost/config.hpp>
#include <string>
#include <vector>

#include "switchboard/abi.h"
#include "switchboard/store.h"

namespace switchboard {

class Host;

struct PluginInfo {
  std::string name;                   // the library's own name, e.g. "retell"
  std::string version;                // the plugin's version, e.g. "1.2.0"
  std::vector<std::string> provides;  // service names it registers (ServiceRegistry)
  std::vector<std::string> needs;     // service names it looks up; their providers start first
};

class BOOST_SYMBOL_VISIBLE Plugin {
 public:
  virtual ~Plugin();

  virtual PluginInfo info() const = 0;

  // Reads host.config(), registers HTTP and event handlers and services. Must not do I/O or
  // start threads: `switchboard check-config` calls it to validate a file. Throw ConfigError
  // (switchboard/errors.h) to point at the offending YAML node.
  virtual void configure(Host& host) = 0;

  // Begins work (threads, connections). Called in dependency order after every configure.
  virtual void start() {}

  // Ends work; called in reverse start order after in-flight requests have drained.
  virtual void stop() {}
  // A config reload (SIGHUP) was asked for: reread the files the plugin owns and apply them
  // whole, or throw (ConfigError / config::ConfigInvalid) and keep the running state. Called
  // on running plugins before the kernel swaps its tables; any throw refuses the reload.
  virtual void reload() {}

  // The schema this plugin needs on `backend` ("sqlite" or "postgresql"), applied before
  // configure() and tracked under the plugin's name (info().name).
  virtual std::vector<Migration> migrations(const std::string& backend) const {
    (void)backend;
    return {};
  }
};

}  // namespace switchboard
