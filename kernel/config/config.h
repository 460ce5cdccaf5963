// The kernel's configuration, as loaded and validated from YAML.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "switchboard/config/diagnostic.h"
#include "switchboard/config/env_expansion.h"
#include "switchboard/config/yaml_reader.h"

namespace switchboard::kernel::config {

// The file-reading tools live in the SDK, so plugins that read their own files report problems
// the same way.
using switchboard::config::ConfigInvalid;
using switchboard::config::Diagnostic;
using switchboard::config::EnvLookup;
using switchboard::config::expandEnvironment;
using switchboard::config::joinLines;
using switchboard::config::Position;
using switchboard::config::processEnvironment;
using switchboard::config::YamlReader;

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int threads = 2;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;          // request line + header fields: 431 above
  std::size_t max_request_line_bytes = 8 << 10;     // 414 above
  std::size_t max_headers = 100;                    // header fields: 431 above
  std::size_t max_connections = 10000;              // more: 503 and close
  std::chrono::milliseconds idle_timeout{60000};    // keep-alive connection without a request
  std::chrono::milliseconds header_timeout{10000};  // first byte to the end of the headers
  std::size_t body_min_rate = 1024;                 // bytes/s a body must keep up over each window
  std::chrono::milliseconds body_rate_window{5000};
  std::chrono::milliseconds drain_timeout{10000};
  std::size_t upstream_threads = 8;  // for handlers that wait on an upstream while clients wait
  std::size_t json_max_depth = 64;   // json::parse's nesting bound for every plugin
};

struct StorageConfig {
  std::string url;  // empty: no database (durable routes, jobs and async events need one)
  std::size_t pool_size = 4;
};

struct InboxConfig {
  int workers = 2;
  int upstream_workers = 2;                     // per lane: each plugin's upstream job type
  int batch = 16;                               // rows a worker claims at once
  std::chrono::milliseconds poll{200};          // idle workers look again this often
  std::chrono::milliseconds lease{60000};       // a claimed row is reclaimable after this
  std::chrono::milliseconds retry_base{1000};   // backoff: full jitter in [0, base * 2^(n-1)]
  std::chrono::milliseconds retry_cap{600000};  // ... capped here
  int max_attempts = 8;                         // then the row goes to `dead`
  std::chrono::hours retention{24 * 7};         // `done` rows older than this are purged
};

struct AdminConfig {
  std::string token;  // Bearer token for /api/admin/*; empty: the admin API is off
};

struct LoggingConfig {
  std::string level = "info";   // trace|debug|info|warn|error|off
  std::string format = "text";  // text|json
};

// plugins.<name>.http_client: how that plugin's outbound calls behave (kernel/net/).
struct OutboundConfig {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds timeout{10000};     // per attempt, connect included
  int max_attempts = 3;                         // attempts per call, retries included
  std::chrono::milliseconds backoff_base{200};  // full jitter in [0, base * 2^(n-1)]
  std::chrono::milliseconds backoff_cap{5000};
  std::chrono::milliseconds max_retry_after{30000};  // a longer Retry-After: the caller's job waits
  int breaker_failures = 5;                          // consecutive failures that open the breaker
  std::chrono::milliseconds breaker_cooldown{30000};  // open this long, then one probe
};

struct PluginConfig {
  std::string instance;      // the key under `plugins:`
  std::string library;       // as written
  std::string library_path;  // resolved file
  bool optional = false;
  OutboundConfig outbound;
  YAML::Node config;  // the `config:` section (a map), ${ENV} expanded
  Position at;
};

struct RouteConfig {
  std::string method;
  std::string path;
  std::string plugin;
  std::string handler;
  bool durable = false;  // stored in the inbox before the 2xx, processed by workers
  bool admin = false;    // `auth: admin`: the kernel asks for admin.token before the handler
  Position at;
};

struct SubscriptionConfig {
  std::string topic;
  std::string plugin;
  std::string handler;
  bool async = false;  // delivered through the inbox by workers, with retries
  // Run inside the publisher's transaction when it has one (an inbox item's processing), so
  // both commit or roll back together; else delivered as async.
  bool in_transaction = false;
  Position at;
};

struct Config {
  std::string file;
  ServerConfig server;
  LoggingConfig logging;
  StorageConfig storage;
  InboxConfig inbox;
  AdminConfig admin;
  std::vector<std::string> plugin_dirs;  // absolute, in search order
  std::vector<PluginConfig> plugins;     // in YAML order
  std::vector<RouteConfig> routes;
  std::vector<SubscriptionConfig> subscriptions;
  std::vector<std::string> secrets;  // values that came from ${ENV}: redacted from logs

  const PluginConfig* plugin(const std::string& instance) const;
};

}  // namespace switchboard::kernel::config
