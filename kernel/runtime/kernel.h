// The assembled server: config, logging, plugins, event bus, HTTP. The command line and the
// tests drive it through this class.
#pragma once

#include <spdlog/sinks/sink.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/config_loader.h"
#include "events/event_bus.h"
#include "http/http_server.h"
#include "http/request_dispatcher.h"
#include "inbox/inbox.h"
#include "net/circuit_breaker.h"
#include "net/curl_http_client.h"
#include "net/upstream_client.h"
#include "observability/health.h"
#include "observability/logging.h"
#include "observability/metrics.h"
#include "plugin_host/handler_registry.h"
#include "plugin_host/plugin_host.h"
#include "runtime/clocks.h"
#include "runtime/wiring.h"
#include "services/service_registry.h"
#include "storage/database.h"

namespace switchboard::kernel::runtime {

struct KernelOptions {
  std::string config_path;
  std::optional<std::string> listen;  // "HOST:PORT", overrides server.listen
  config::LoadOptions load;
  const switchboard::Clock* clock = nullptr;  // the system clock when null
  spdlog::sink_ptr log_sink;                  // stderr when null
};

struct ReloadOutcome {
  bool applied = false;
  std::string error;  // why not, `file:line:col: message` lines
};

class Kernel {
 public:
  explicit Kernel(KernelOptions options);
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // Loads and validates the config, loads the plugins, opens the database and applies the
  // kernel's and the plugins' migrations (with `open_storage`), configures the plugins and
  // resolves routes and subscriptions. Starts nothing: `check-config` stops here, without
  // touching the database. Throws config::ConfigInvalid, plugins::PluginFailure,
  // storage::MigrationError or the database's errors.
  void prepare(bool open_storage = true);
  // Loads the plugins and applies every migration; returns "owner/name" of those applied now.
  std::vector<std::string> migrateOnly();
  // prepare(), then starts the plugins and serves HTTP.
  void start();
  // After prepare(): starts the plugins only (no HTTP, no inbox workers), so that a plugin
  // command sees what they set up on start, the catalog as the YAML says it on a fresh
  // database too. shutdown() (or the destructor) stops them.
  void startPlugins();
  std::uint16_t port() const { return server_ ? server_->port() : 0; }

  // Reads the file again; applies routes, subscriptions and logging atomically, or on any
  // error keeps serving the running config and says why.
  ReloadOutcome reload();

  // Drains in-flight requests (up to server.drain_timeout_ms), then stops plugins in reverse.
  void shutdown();
  // server.drain_timeout_ms of the config in force.
  std::chrono::milliseconds drainTimeout() const { return config_.server.drain_timeout; }

  int generation() const;
  std::shared_ptr<spdlog::logger> log() const { return log_; }
  events::Dispatcher& bus() { return bus_; }
  // Null without `storage:` (or before prepare()).
  inbox::Inbox* inbox() { return inbox_.get(); }
  // What plugins registered (the CLI finds plugin commands here).
  const plugins::HandlerRegistry& handlers() const { return handlers_; }
  // What plugins provide (tests and the CLI look services up here).
  switchboard::ServiceRegistry& services() { return services_; }
  // Null without `storage:` (or before prepare()).
  storage::Database* store() { return database_.get(); }

 private:
  std::vector<observability::HealthCheck> healthChecks();
  // upstream.circuit_opened / upstream.circuit_closed {plugin, upstream, tenant}: for alerts.
  void publishBreakerChange(const net::BreakerKey& key, net::BreakerState state);
  void publishDead(const inbox::Record& record, const std::string& error);
  config::Config load() const;
  // Files plugins own (Host::resolvePath / readConfigFile).
  std::string resolvePath(const std::string& path) const;
  YAML::Node readConfigFile(const std::string& path);
  void installTables(const config::Config& config);
  std::vector<std::string> openStorage(const config::Config& config);
  void addKernelRoute(std::string method, std::string path, switchboard::HttpHandler handler);
  // The admin API's guard around `handler`.
  switchboard::HttpHandler admin(
      std::function<switchboard::HttpResponse(inbox::Inbox&, const switchboard::HttpRequest&)>
          handler);

  KernelOptions options_;
  SystemClock system_clock_;
  const switchboard::Clock& clock_;
  observability::LogHub logs_;
  std::shared_ptr<spdlog::logger> log_;
  observability::Metrics metrics_;
  plugins::HandlerRegistry handlers_;
  services::ServiceRegistryImpl services_;
  net::CurlHttpClient transport_;
  net::BreakerBoard breakers_;
  std::mutex probes_mutex_;
  std::vector<std::pair<std::string, switchboard::HealthProbe>> probes_;  // plugins' own checks
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<inbox::Inbox> inbox_;
  events::Dispatcher bus_;
  std::unique_ptr<plugins::PluginHost> host_;
  std::unique_ptr<http::UpstreamPool> upstream_pool_;  // before the dispatcher that uses it
  std::unique_ptr<http::RequestDispatcher> dispatcher_;
  std::unique_ptr<http::HttpServer> server_;

  std::deque<switchboard::HttpHandler> kernel_handlers_;  // stable addresses
  std::vector<KernelRoute> kernel_routes_;

  mutable std::mutex mutex_;  // guards config_ and generation_ (reload vs. health reports)
  config::Config config_;
  observability::GenerationInfo generation_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool draining_ = false;
  bool stopped_ = false;
};

}  // namespace switchboard::kernel::runtime
