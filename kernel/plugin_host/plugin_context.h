// The Host a plugin instance receives: its own config and logger, and the kernel's shared
// facilities seen through facades that record which plugin registered what.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <memory>
#include <string>

#include "events/event_bus.h"
#include "inbox/inbox.h"
#include "net/upstream_client.h"
#include "plugin_host/handler_registry.h"
#include "switchboard/host.h"

namespace switchboard::kernel::plugins {

// The kernel facilities every plugin shares.
struct Facilities {
  HandlerRegistry& handlers;
  events::Dispatcher& bus;
  switchboard::ServiceRegistry& services;
  net::UpstreamFacilities upstream;  // each plugin's client is built on these
  const switchboard::Clock& clock;
  // Null until the kernel opens the database (and never, without `storage:`).
  const std::unique_ptr<storage::Database>& database;
  const std::unique_ptr<inbox::Inbox>& inbox;
  // Plugin-owned files: resolved against the main config's directory, read with ${ENV}.
  std::function<std::string(const std::string&)> resolve_path;
  std::function<YAML::Node(const std::string&)> read_config_file;
  // Registers a plugin's health probe under `<instance>.<name>`.
  std::function<void(const std::string&, switchboard::HealthProbe)> add_health_check;
};

class PluginContext final : public switchboard::Host {
 public:
  PluginContext(std::string name, YAML::Node config, std::string config_file,
                const config::OutboundConfig& outbound, std::shared_ptr<spdlog::logger> log,
                Facilities facilities);

  const std::string& name() const override { return name_; }
  const YAML::Node& config() const override { return config_; }
  const std::string& configFile() const override { return config_file_; }
  std::shared_ptr<spdlog::logger> log() const override { return log_; }
  switchboard::HttpRegistry& http() override { return http_; }
  switchboard::EventBus& events() override { return events_; }
  switchboard::ServiceRegistry& services() override { return facilities_.services; }
  switchboard::HttpClient& client() override { return client_; }
  const switchboard::Clock& clock() const override { return facilities_.clock; }
  switchboard::Store& store() override;
  switchboard::Jobs& jobs() override { return jobs_; }
  std::string resolvePath(const std::string& path) const override {
    return facilities_.resolve_path(path);
  }
  YAML::Node readConfigFile(const std::string& path) override {
    return facilities_.read_config_file(facilities_.resolve_path(path));
  }
  void command(switchboard::Command command) override {
    facilities_.handlers.addCommand(name_, std::move(command));
  }
  void healthCheck(const std::string& name, switchboard::HealthProbe probe) override {
    facilities_.add_health_check(name_ + "." + name, std::move(probe));
  }

 private:
  class Http final : public switchboard::HttpRegistry {
   public:
    explicit Http(PluginContext& owner) : owner_(owner) {}
    void handler(const std::string& name, switchboard::HttpHandler fn) override;
    void durable(const std::string& name, switchboard::DurableHandler handler) override;
    void upstreamHandler(const std::string& name, switchboard::HttpHandler fn) override;

   private:
    PluginContext& owner_;
  };
  class JobQueue final : public switchboard::Jobs {
   public:
    explicit JobQueue(PluginContext& owner) : owner_(owner) {}
    bool enqueue(const std::string& type, const std::string& payload, switchboard::TimePoint run_at,
                 const std::string& idempotency_key, switchboard::db::Session* tx) override;
    void handler(const std::string& type, switchboard::JobHandler fn) override;
    void upstreamCall(const std::string& type, switchboard::UpstreamCallJob job) override;

   private:
    PluginContext& owner_;
  };
  class Events final : public switchboard::EventBus {
   public:
    explicit Events(PluginContext& owner) : owner_(owner) {}
    std::string publish(switchboard::Event event) override;
    void handler(const std::string& name, switchboard::EventHandler fn) override;
    void transactionalHandler(const std::string& name,
                              switchboard::TransactionalEventHandler fn) override;

   private:
    PluginContext& owner_;
  };

  std::string name_;
  YAML::Node config_;
  std::string config_file_;
  std::shared_ptr<spdlog::logger> log_;
  Facilities facilities_;
  net::UpstreamClient client_;
  Http http_{*this};
  Events events_{*this};
  JobQueue jobs_{*this};
};

}  // namespace switchboard::kernel::plugins
