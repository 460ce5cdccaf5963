#include "plugin_host/plugin_context.h"

#include <yaml-cpp/yaml.h>

#include "storage/prepared_statements.h"
#include "util/ids.h"

namespace switchboard::kernel::plugins {

PluginContext::PluginContext(std::string name, YAML::Node config, std::string config_file,
                             const config::OutboundConfig& outbound,
                             std::shared_ptr<spdlog::logger> log, Facilities facilities)
    : name_(std::move(name)),
      config_(std::move(config)),
      config_file_(std::move(config_file)),
      log_(std::move(log)),
      facilities_(std::move(facilities)),
      client_(name_, outbound, log_, facilities_.upstream) {}

void PluginContext::Http::handler(const std::string& name, switchboard::HttpHandler fn) {
  owner_.facilities_.handlers.addHttp(owner_.name_, name, std::move(fn));
}

void PluginContext::Http::upstreamHandler(const std::string& name, switchboard::HttpHandler fn) {
  owner_.facilities_.handlers.addHttp(owner_.name_, name, std::move(fn), /*waits_upstream=*/true);
}

void PluginContext::Http::durable(const std::string& name, switchboard::DurableHandler handler) {
  owner_.facilities_.handlers.addDurable(owner_.name_, name, std::move(handler));
}

switchboard::Store& PluginContext::store() {
  if (!facilities_.database)
    throw std::runtime_error("plugin '" + name_ + "' needs a database: add a storage: section");
  return *facilities_.database;
}

bool PluginContext::JobQueue::enqueue(const std::string& type, const std::string& payload,
                                      switchboard::TimePoint run_at,
                                      const std::string& idempotency_key,
                                      switchboard::db::Session* tx) {
  if (!owner_.facilities_.inbox)
    throw std::runtime_error("plugin '" + owner_.name_ +
                             "' queued a job, which needs a storage: section");
  return owner_.facilities_.inbox->enqueueJob(owner_.name_, type, payload, run_at, idempotency_key,
                                              tx ? &storage::sociOf(*tx) : nullptr);
}

void PluginContext::JobQueue::handler(const std::string& type, switchboard::JobHandler fn) {
  owner_.facilities_.handlers.addJob(owner_.name_, type, std::move(fn));
}

void PluginContext::JobQueue::upstreamCall(const std::string& type,
                                           switchboard::UpstreamCallJob job) {
  owner_.facilities_.handlers.addUpstreamCall(owner_.name_, type, std::move(job));
}

std::string PluginContext::Events::publish(switchboard::Event event) {
  return owner_.facilities_.bus.publish(std::move(event));
}

void PluginContext::Events::handler(const std::string& name, switchboard::EventHandler fn) {
  owner_.facilities_.handlers.addEvent(
      owner_.name_, name,
      [fn = std::move(fn)](const switchboard::Event& e, const switchboard::EventDelivery&) {
        fn(e);
      });
}

void PluginContext::Events::transactionalHandler(const std::string& name,
                                                 switchboard::TransactionalEventHandler fn) {
  owner_.facilities_.handlers.addEvent(owner_.name_, name, std::move(fn));
}

}  // namespace switchboard::kernel::plugins
