// Loads the plugins YAML names, and runs them through configure → start → stop in
// dependency order. A required plugin that fails stops everything with an error naming it; an
// `optional: true` one is logged and left out.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.h"
#include "plugin_host/library_loader.h"
#include "plugin_host/plugin_context.h"
#include "switchboard/plugin.h"

namespace switchboard::kernel::plugins {

enum class PluginState { Loaded, Configured, Running, Stopped, Failed };
const char* toString(PluginState state);

struct PluginInstance {
  config::PluginConfig config;
  LoadedLibrary library;
  std::unique_ptr<switchboard::Plugin> plugin;
  switchboard::PluginInfo info;
  std::unique_ptr<PluginContext> context;
  PluginState state = PluginState::Loaded;
  std::string error;
  std::chrono::microseconds load_time{0};  // load + configure + start
};

// "file:line:col: plugin 'x' (path): what failed"
class PluginFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using LoggerFactory = std::function<std::shared_ptr<spdlog::logger>(const std::string&)>;

class PluginHost {
 public:
  PluginHost(Facilities facilities, LoggerFactory loggers);
  ~PluginHost();

  // Opens every library and creates the instances, in start order.
  void load(const std::vector<config::PluginConfig>& plugins);
  void configure();
  // `announce`: each plugin's start is logged at info (off for a one-off command).
  void start(bool announce = true);
  // Plugin::reload() on each running plugin, in start order; the first throw propagates,
  // naming the plugin.
  void reload();
  // Reverse start order; each stop() that throws is logged and the others still stop.
  void stop();
  // Destroys the plugin objects (their libraries stay loaded).
  void destroy();

  const std::vector<std::unique_ptr<PluginInstance>>& instances() const { return instances_; }
  // True when the instance configured (and, once started, runs).
  bool available(const std::string& instance) const;

 private:
  // Records an optional plugin's failure, or throws for a required one.
  void fail(PluginInstance& p, const std::string& step, const std::string& message, int line = 0,
            int column = 0);
  template <class Step>
  void runStep(PluginInstance& p, const char* name, Step&& step);

  Facilities facilities_;
  LoggerFactory loggers_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<std::unique_ptr<PluginInstance>> instances_;
};

}  // namespace switchboard::kernel::plugins
