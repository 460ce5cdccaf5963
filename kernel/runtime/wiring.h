// Builds the immutable tables a config generation serves with: the HTTP route table and the
// event subscription table, resolving each `plugin.handler` name against what plugins
// registered. Problems come back as diagnostics at the YAML line that named the handler.
#pragma once

#include <memory>
#include <vector>

#include "config/config.h"
#include "events/event_bus.h"
#include "http/route_table.h"
#include "observability/metrics.h"
#include "plugin_host/handler_registry.h"
#include "plugin_host/plugin_host.h"

namespace switchboard::kernel::runtime {

struct KernelRoute {
  std::string method;
  std::string path;
  const switchboard::HttpHandler* handler;
};

std::shared_ptr<const http::RouteTable> buildRouteTable(
    const config::Config& config, const std::vector<KernelRoute>& kernel_routes,
    const plugins::HandlerRegistry& handlers, const plugins::PluginHost& host,
    observability::Metrics& metrics, std::vector<config::Diagnostic>& problems);

std::shared_ptr<const events::SubscriptionTable> buildSubscriptions(
    const config::Config& config, const plugins::HandlerRegistry& handlers,
    const plugins::PluginHost& host, std::vector<config::Diagnostic>& problems);

}  // namespace switchboard::kernel::runtime
