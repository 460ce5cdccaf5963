#include "runtime/kernel.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "events/event_codec.h"
#include "events/publish_scope.h"
#include "http/admin_auth.h"
#include "inbox/admin_api.h"
#include "storage/migrations.h"
#include "switchboard/json.h"

namespace switchboard::kernel::runtime {
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
         a.max_request_line_bytes == b.max_request_line_bytes && a.max_headers == b.max_headers &&
         a.max_connections == b.max_connections && a.idle_timeout == b.idle_timeout &&
         a.header_timeout == b.header_timeout && a.body_min_rate == b.body_min_rate &&
         a.body_rate_window == b.body_rate_window && a.drain_timeout == b.drain_timeout &&
         a.json_max_depth == b.json_max_depth;
}

}  // namespace

Kernel::Kernel(KernelOptions options)
    : options_(std::move(options)),
      clock_(options_.clock ? *options_.clock : system_clock_),
      logs_(options_.log_sink),
      log_(logs_.get("kernel")),
      bus_(metrics_, clock_, logs_.get("events")) {
  host_ = std::make_unique<plugins::PluginHost>(
      plugins::Facilities{
          handlers_, bus_, services_,
          net::UpstreamFacilities{transport_, breakers_, metrics_.upstream, clock_, net::realSleep,
                                  net::threadRandomUnit,
                                  [this](const net::BreakerKey& key, net::BreakerState state) {
                                    publishBreakerChange(key, state);
                                  }},
          clock_, database_, inbox_, [this](const std::string& path) { return resolvePath(path); },
          [this](const std::string& path) { return readConfigFile(path); },
          [this](const std::string& name, switchboard::HealthProbe probe) {
            std::lock_guard lock(probes_mutex_);
            probes_.emplace_back(name, std::move(probe));
          }},
      [this](const std::string& name) { return logs_.get(name); });

  addKernelRoute("GET", "/api/health", [this](const switchboard::HttpRequest&) {
    std::lock_guard lock(mutex_);
    return observability::healthReport(draining_);
  });
  addKernelRoute("GET", "/api/health/detailed", [this](const switchboard::HttpRequest& r) {
    auto checks = healthChecks();  // a database round trip: not under the kernel's lock
    std::lock_guard lock(mutex_);
    const bool admin = !config_.admin.token.empty() && r.header("authorization") &&
                       !http::checkAdminToken(r, config_.admin.token);
    return observability::detailedHealthReport(*host_, generation_, started_, draining_, checks,
                                               admin);
  });
  addKernelRoute("GET", "/api/health/metrics", [this](const switchboard::HttpRequest&) {
    std::string inbox_text;
    if (inbox_) {
      try {
        inbox_text = inbox_->metricsText();
      } catch (const std::exception& e) {
        log_->error("inbox metrics: {}", e.what());
      }
    }
    std::lock_guard lock(mutex_);
    auto response = observability::metricsReport(metrics_, *host_, generation_,
                                                 net::renderBreakerMetrics(breakers_));
    response.body += inbox_text;
    return response;
  });
  addKernelRoute("GET", "/api/admin/inbox", admin(inbox::listItems));
  addKernelRoute("GET", "/api/admin/inbox/{id}", admin(inbox::showItem));
  addKernelRoute("POST", "/api/admin/inbox/{id}/replay",
                 admin([this](inbox::Inbox& in, const switchboard::HttpRequest& r) {
                   return inbox::replayItem(in, r, inbox::toMs(clock_.now()));
                 }));
  addKernelRoute("POST", "/api/admin/inbox/replay-dead",
                 admin([this](inbox::Inbox& in, const switchboard::HttpRequest& r) {
                   return inbox::replayDead(in, r, inbox::toMs(clock_.now()));
                 }));
}

void Kernel::addKernelRoute(std::string method, std::string path,
                            switchboard::HttpHandler handler) {
  kernel_handlers_.push_back(std::move(handler));
  kernel_routes_.push_back({std::move(method), std::move(path), &kernel_handlers_.back()});
}

switchboard::HttpHandler Kernel::admin(
    std::function<switchboard::HttpResponse(inbox::Inbox&, const switchboard::HttpRequest&)>
        handler) {
  return [this, handler = std::move(handler)](const switchboard::HttpRequest& request) {
    std::string token;
    {
      std::lock_guard lock(mutex_);
      token = config_.admin.token;
    }
    if (auto refusal = http::checkAdminToken(request, token)) return *refusal;
    if (!inbox_)
      return switchboard::HttpResponse::error(request, 404,
                                              "there is no inbox: add a storage: section");
    return handler(*inbox_, request);
  };
}

std::vector<std::string> Kernel::openStorage(const config::Config& config) {
  const auto url = storage::StorageUrl::parse(config.storage.url);
  if (!url) throw std::runtime_error("storage.url: unsupported " + config.storage.url);
  database_ = std::make_unique<storage::Database>(
      *url, config.storage.pool_size,
      [log = log_](const std::string& error) { log->warn("SQLite checkpoint: {}", error); });
  std::vector<std::string> applied;
  for (const auto& name :
       storage::migrate(*database_, "kernel", storage::kernelMigrations(database_->backend())))
    applied.push_back("kernel/" + name);
  std::set<std::string> owners;
  for (const auto& p : host_->instances()) {
    if (p->state != plugins::PluginState::Loaded || !owners.insert(p->info.name).second) continue;
    for (const auto& name :
         storage::migrate(*database_, p->info.name, p->plugin->migrations(database_->backend())))
      applied.push_back(p->info.name + "/" + name);
  }
  for (const auto& a : applied) log_->info("migration {} applied", a);
  inbox_ = std::make_unique<inbox::Inbox>(*database_, config.inbox, handlers_, clock_, metrics_,
                                          logs_.get("inbox"));
  inbox_->onDead(
      [this](const inbox::Record& r, const std::string& error) { publishDead(r, error); });
  bus_.setAsyncSink([this](const events::Subscriber& s, const switchboard::Event& e,
                           soci::session* tx) { inbox_->enqueueEvent(s.plugin, s.name, e, tx); });
  return applied;
}

std::vector<std::string> Kernel::migrateOnly() {
  config::Config config = load();
  logs_.configure(config.logging, config.secrets);
  if (config.storage.url.empty())
    throw std::runtime_error(config.file + ": there is no storage: section");
  host_->load(config.plugins);
  return openStorage(config);
}

Kernel::~Kernel() {
  shutdown();
  // Objects that came from plugin code die before the plugins themselves.
  bus_.setSubscriptions(std::make_shared<const events::SubscriptionTable>());
  if (dispatcher_) dispatcher_->setRoutes(std::make_shared<const http::RouteTable>());
  if (upstream_pool_) upstream_pool_->stop();
  inbox_.reset();
  services_.clear();
  handlers_.clear();
  host_.reset();
  database_.reset();
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

void Kernel::prepare(bool open_storage) {
  config::Config config = load();
  logs_.configure(config.logging, config.secrets);
  auto json_limits = switchboard::json::defaultLimits();
  json_limits.max_depth = config.server.json_max_depth;
  switchboard::json::setDefaultLimits(json_limits);
  host_->load(config.plugins);
  if (open_storage && !config.storage.url.empty()) openStorage(config);
  host_->configure();
  handlers_.seal();
  dispatcher_ = std::make_unique<http::RequestDispatcher>(
      metrics_, logs_.get("http"), config.server.max_body_bytes, inbox_.get());
  // Queue room for a few requests per thread; more would wait past their clients' deadlines.
  upstream_pool_ = std::make_unique<http::UpstreamPool>(config.server.upstream_threads,
                                                        config.server.upstream_threads * 8);
  dispatcher_->setUpstreamPool(upstream_pool_.get());
  installTables(config);
  std::lock_guard lock(mutex_);
  config_ = std::move(config);
  generation_ = {1, config_.file, clock_.now()};
}

void Kernel::publishBreakerChange(const net::BreakerKey& key, net::BreakerState state) {
  switchboard::Event event;
  event.topic =
      state == net::BreakerState::Open ? "upstream.circuit_opened" : "upstream.circuit_closed";
  event.payload = switchboard::json::Builder()
                      .object()
                      .field("plugin", key.plugin)
                      .field("upstream", key.upstream)
                      .field("tenant", key.tenant)
                      .end()
                      .str();
  event.tenant = key.tenant;
  const std::string topic = event.topic;
  events::PublishScope::Detached detached;  // true whether or not the caller's attempt fails
  try {
    bus_.publish(std::move(event));
  } catch (const std::exception& e) {
    log_->error("cannot publish {}: {}", topic, e.what());
  }
}

// `inbox.item_dead`: whoever tells people subscribes. Not for the delivery of that event itself
// (a failing subscriber would otherwise feed itself).
void Kernel::publishDead(const inbox::Record& r, const std::string& error) {
  if (r.item.type == "inbox.item_dead") return;
  switchboard::Event event;
  event.topic = "inbox.item_dead";
  event.payload = switchboard::json::Builder()
                      .object()
                      .field("id", static_cast<long long>(r.item.id))
                      .field("kind", r.kind)
                      .field("source", r.item.source)
                      .field("type", r.item.type)
                      .field("key", r.item.key)
                      .field("attempts", r.attempts)
                      .field("error", error)
                      .end()
                      .str();
  event.tenant = r.item.tenant;
  events::PublishScope::Detached detached;
  try {
    bus_.publish(std::move(event));
  } catch (const std::exception& e) {
    log_->error("cannot publish inbox.item_dead: {}", e.what());
  }
}

std::vector<observability::HealthCheck> Kernel::healthChecks() {
  std::vector<observability::HealthCheck> checks;
  if (database_) {
    const auto ping = database_->ping();
    checks.push_back({"database",
                      {ping.ok,
                       {{"latency_ms", ping.latency.count() / 1000.0},
                        {"pool_size", static_cast<double>(database_->poolSize())}},
                       {},
                       ping.error}});
  }
  if (server_)
    checks.push_back({"http",
                      {true,
                       {{"connections_open", static_cast<double>(metrics_.connections_open.load())},
                        {"max_connections", static_cast<double>(server_->maxConnections())},
                        {"requests_in_flight", static_cast<double>(metrics_.in_flight.load())}},
                       {},
                       {}}});
  for (const auto& b : breakers_.snapshot()) {
    switchboard::HealthStatus status;
    status.ok = b.state != net::BreakerState::Open;
    status.figures = {{"consecutive_failures", b.consecutive_failures}};
    status.facts = {{"state", net::toString(b.state)}};
    if (b.state != net::BreakerState::Closed)
      status.facts.emplace_back("opened_at", observability::isoTime(b.opened_at));
    checks.push_back({"upstream." + b.key.plugin + "." + b.key.upstream +
                          (b.key.tenant.empty() ? "" : "." + b.key.tenant),
                      std::move(status)});
  }
  std::vector<std::pair<std::string, switchboard::HealthProbe>> probes;
  {
    std::lock_guard lock(probes_mutex_);
    probes = probes_;
  }
  for (const auto& [name, probe] : probes) {
    try {
      checks.push_back({name, probe()});
    } catch (const std::exception& e) {
      checks.push_back({name, {false, {}, {}, std::string("the check threw: ") + e.what()}});
    }
  }
  return checks;
}

void Kernel::startPlugins() {
  host_->start(/*announce=*/false);
}

void Kernel::start() {
  prepare();
  try {
    host_->start();
    if (inbox_) inbox_->start();
    server_ = std::make_unique<http::HttpServer>(config_.server, *dispatcher_, metrics_,
                                                 logs_.get("http"));
    server_->start();
  } catch (...) {
    if (inbox_) inbox_->stop();
    host_->stop();
    throw;
  }
  log_->info("listening on http://{}:{} with {} threads (config {})", config_.server.host,
             server_->port(), config_.server.threads, config_.file);
}

std::string Kernel::resolvePath(const std::string& path) const {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (std::filesystem::absolute(options_.config_path).parent_path() / p)
      .lexically_normal()
      .string();
}

YAML::Node Kernel::readConfigFile(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw config::ConfigInvalid({{{path, 0, 0}, "cannot read the file"}});
  } catch (const YAML::Exception& e) {
    throw config::ConfigInvalid({{{path, e.mark.line + 1, e.mark.column + 1}, e.msg}});
  }
  std::vector<std::string> secrets;
  std::vector<config::Diagnostic> problems;
  config::expandEnvironment(root, path, options_.load.env, secrets, problems);
  if (!problems.empty()) throw config::ConfigInvalid(std::move(problems));
  logs_.addSecrets(secrets);
  return root;
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
    host_->reload();
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
    if (inbox_) inbox_->stop();
    host_->stop();
    return;
  }
  log_->info("draining in-flight requests");
  server_->drainAndShutdown(config_.server.drain_timeout);
  // Handlers still waiting on an upstream finish (their plugins are still loaded).
  if (upstream_pool_) upstream_pool_->stop();
  // After the drain: durable requests in flight waited for their commit.
  if (inbox_) inbox_->stop();
  host_->stop();
  log_->info("stopped");
}

int Kernel::generation() const {
  std::lock_guard lock(mutex_);
  return generation_.number;
}

}  // namespace switchboard::kernel::runtime
