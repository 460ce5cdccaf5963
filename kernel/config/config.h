// The kernel's configuration, as loaded and validated from YAML.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "config/diagnostic.h"

namespace sb::config {

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int threads = 2;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds drain_timeout{10000};
};

struct LoggingConfig {
  std::string level = "info";   // trace|debug|info|warn|error|off
  std::string format = "text";  // text|json
};

struct PluginConfig {
  std::string instance;      // the key under `plugins:`
  std::string library;       // as written
  std::string library_path;  // resolved file
  bool optional = false;
  YAML::Node config;  // the `config:` section (a map), ${ENV} expanded
  Position at;
};

struct RouteConfig {
  std::string method;
  std::string path;
  std::string plugin;
  std::string handler;
  Position at;
};

struct SubscriptionConfig {
  std::string topic;
  std::string plugin;
  std::string handler;
  Position at;
};

struct Config {
  std::string file;
  ServerConfig server;
  LoggingConfig logging;
  std::vector<std::string> plugin_dirs;  // absolute, in search order
  std::vector<PluginConfig> plugins;     // in YAML order
  std::vector<RouteConfig> routes;
  std::vector<SubscriptionConfig> subscriptions;
  std::vector<std::string> secrets;  // values that came from ${ENV}: redacted from logs

  const PluginConfig* plugin(const std::string& instance) const;
};

}  // namespace sb::config
