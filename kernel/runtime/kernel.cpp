#include "runtime/kernel.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace sb::runtime {
namespace {

void applyListenOverride(config::Config& config, const std::string& listen) {
  const auto colon = listen.rfind(':');
  int port = -1;
  try {
    if (colon != std::string::npos && colon > 0) port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535)
    throw config::ConfigInvalid({{{"--listen", 0, 0}, "expected HOST:PORT, got '" + listen + "'"}});
  config.server.host = listen.substr(0, colon);
  config.server.port = static_cast<std::uint16_t>(port);
}

bool samePlugins(const config::Config& a, const config::Config& b) {
  if (a.plugins.size() != b.plugins.size()) return false;
  for (std::size_t i = 0; i < a.plugins.size(); ++i) {
    const auto &x = a.plugins[i], &y = b.plugins[i];
    if (x.instance != y.instance || x.library_path != y.library_path || x.optional != y.optional ||
        YAML::Dump(x.config) != YAML::Dump(y.config))
      return false;
  }
  return true;
}

bool sameServer(const config::ServerConfig& a, const config::ServerConfig& b) {
  return a.host == b.host && a.port == b.port && a.threads == b.threads &&
         a.max_body_bytes == b.max_body_bytes && a.max_header_bytes == b.max_header_bytes &&
         a.drain_timeout == b.drain_timeout;
}

}  // namespace

Kernel::Kernel(KernelOptions options)
    : options_(std::move(options)),
      clock_(options_.clock ? *options_.clock : system_clock_),
      logs_(options_.log_sink),
      log_(logs_.get("kernel")),
      bus_(metrics_, clock_, logs_.get("events")) {
  host_ = std::make_unique<plugins::PluginHost>(
      plugins::Facilities{handlers_, bus_, services_, client_, clock_},
      [this](const std::string& name) { return logs_.get(name); });

  kernel_handlers_.reserve(3);  // the routes below point into this vector
  kernel_handlers_.push_back([this](const switchboard::HttpRequest&) {
    std::lock_guard lock(mutex_);
    return observability::healthReport(draining_);
  });
  kernel_handlers_.push_back([this](const switchboard::HttpRequest&) {
    std::lock_guard lock(mutex_);
    return observability::detailedHealthReport(*host_, generation_, started_, draining_);
  });
  kernel_handlers_.push_back([this](const switchboard::HttpRequest&) {
    std::lock_guard lock(mutex_);
    return observability::metricsReport(metrics_, *host_, generation_);
  });
  kernel_routes_ = {{"GET", "/api/health", &kernel_handlers_[0]},
                    {"GET", "/api/health/detailed", &kernel_handlers_[1]},
                    {"GET", "/api/health/metrics", &kernel_handlers_[2]}};
}

Kernel::~Kernel() {
  shutdown();
  // Objects that came from plugin code die before the plugins themselves.
  bus_.setSubscriptions(std::make_shared<const events::SubscriptionTable>());
  if (dispatcher_) dispatcher_->setRoutes(std::make_shared<const http::RouteTable>());
  services_.clear();
  handlers_.clear();
  host_.reset();
}

config::Config Kernel::load() const {
  config::Config config = config::loadConfig(options_.config_path, options_.load);
  if (options_.listen) applyListenOverride(config, *options_.listen);
  return config;
}

void Kernel::installTables(const config::Config& config) {
  std::vector<config::Diagnostic> problems;
  auto routes = buildRouteTable(config, kernel_routes_, handlers_, *host_, metrics_, problems);
  auto subscriptions = buildSubscriptions(config, handlers_, *host_, problems);
  if (!problems.empty()) throw config::ConfigInvalid(std::move(problems));
  dispatcher_->setRoutes(std::move(routes));
  bus_.setSubscriptions(std::move(subscriptions));
}

void Kernel::prepare() {
  config::Config config = load();
  logs_.configure(config.logging, config.secrets);
  host_->load(config.plugins);
  host_->configure();
  handlers_.seal();
  dispatcher_ = std::make_unique<http::RequestDispatcher>(metrics_, logs_.get("http"),
                                                          config.server.max_body_bytes);
  installTables(config);
  std::lock_guard lock(mutex_);
  config_ = std::move(config);
  generation_ = {1, config_.file, clock_.now()};
}

void Kernel::start() {
  prepare();
  try {
    host_->start();
    server_ = std::make_unique<http::HttpServer>(config_.server, *dispatcher_, metrics_);
    server_->start();
  } catch (...) {
    host_->stop();
    throw;
  }
  log_->info("listening on http://{}:{} with {} threads (config {})", config_.server.host,
             server_->port(), config_.server.threads, config_.file);
}

ReloadOutcome Kernel::reload() {
  try {
    config::Config next = load();
    config::Config current;
    {
      std::lock_guard lock(mutex_);
      current = config_;
    }
    if (!samePlugins(current, next))
      throw std::runtime_error(next.file +
                               ": the plugins section changed; plugins are loaded once, so "
                               "restart to apply it");
    if (!sameServer(current.server, next.server))
      throw std::runtime_error(next.file + ": the server section changed; restart to apply it");
    installTables(next);
    auto secrets = next.secrets;
    secrets.insert(secrets.end(), current.secrets.begin(), current.secrets.end());
    logs_.configure(next.logging, secrets);
    int number;
    {
      std::lock_guard lock(mutex_);
      config_ = std::move(next);
      number = ++generation_.number;
      generation_.loaded_at = clock_.now();
    }
    metrics_.reloads_succeeded.fetch_add(1);
    log_->info("config reloaded: generation {} is serving", number);
    return {true, ""};
  } catch (const std::exception& e) {
    metrics_.reloads_failed.fetch_add(1);
    log_->error("config reload refused, the running config stays:\n{}", e.what());
    return {false, e.what()};
  }
}

void Kernel::shutdown() {
  if (stopped_) return;
  stopped_ = true;
  {
    std::lock_guard lock(mutex_);
    draining_ = true;
  }
  if (!server_) {
    host_->stop();
    return;
  }
  log_->info("draining in-flight requests");
  server_->drainAndShutdown(config_.server.drain_timeout);
  host_->stop();
  log_->info("stopped");
}

int Kernel::generation() const {
  std::lock_guard lock(mutex_);
  return generation_.number;
}

}  // namespace sb::runtime
