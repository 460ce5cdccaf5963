#include "plugins/plugin_context.h"

#include <yaml-cpp/yaml.h>

namespace sb::plugins {

PluginContext::PluginContext(std::string name, YAML::Node config,
                             std::shared_ptr<spdlog::logger> log, Facilities facilities)
    : name_(std::move(name)),
      config_(std::move(config)),
      log_(std::move(log)),
      facilities_(facilities) {}

void PluginContext::Http::handler(const std::string& name, switchboard::HttpHandler fn) {
  owner_.facilities_.handlers.addHttp(owner_.name_, name, std::move(fn));
}

std::string PluginContext::Events::publish(switchboard::Event event) {
  return owner_.facilities_.bus.publish(std::move(event));
}

void PluginContext::Events::handler(const std::string& name, switchboard::EventHandler fn) {
  owner_.facilities_.handlers.addEvent(owner_.name_, name, std::move(fn));
}

}  // namespace sb::plugins
