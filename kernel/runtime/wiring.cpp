#include "runtime/wiring.h"

namespace switchboard::kernel::runtime {
namespace {

std::string listOf(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::shared_ptr<const http::RouteTable> buildRouteTable(
    const config::Config& config, const std::vector<KernelRoute>& kernel_routes,
    const plugins::HandlerRegistry& handlers, const plugins::PluginHost& host,
    observability::Metrics& metrics, std::vector<config::Diagnostic>& problems) {
  auto table = std::make_shared<http::RouteTable>();
  for (const auto& k : kernel_routes) {
    const std::string label = k.method + " " + k.path;
    table->add(k.path, {k.method, label, k.handler, nullptr, &metrics.route(label), "kernel", "",
                        std::nullopt});
  }
  for (const auto& r : config.routes) {
    const std::string label = r.method + " " + r.path;
    const switchboard::HttpHandler* handler = nullptr;
    const switchboard::DurableHandler* durable = nullptr;
    if (host.available(r.plugin)) {
      if (r.durable) {
        durable = handlers.durable(r.plugin, r.handler);
        if (!durable) {
          problems.push_back(
              {r.at, "durable route " + label + ": plugin '" + r.plugin +
                         "' has no durable handler '" + r.handler +
                         "' (it registered: " + listOf(handlers.durableNames(r.plugin)) + ")"});
          continue;
        }
      } else {
        handler = handlers.http(r.plugin, r.handler);
        if (!handler) {
          const bool is_durable = handlers.durable(r.plugin, r.handler) != nullptr;
          problems.push_back(
              {r.at, "route " + label + ": plugin '" + r.plugin + "' has no HTTP handler '" +
                         r.handler + "'" +
                         (is_durable
                              ? " ('" + r.handler + "' is durable: add durable: true)"
                              : " (it registered: " + listOf(handlers.httpNames(r.plugin)) + ")")});
          continue;
        }
      }
    }
    try {
      table->add(r.path,
                 {r.method, label, handler, durable, &metrics.route(label), r.plugin, r.handler,
                  r.admin ? std::optional<std::string>(config.admin.token) : std::nullopt,
                  handler && handlers.waitsUpstream(r.plugin, r.handler)});
    } catch (const std::invalid_argument& e) {
      problems.push_back({r.at, e.what()});
    }
  }
  return table;
}

std::shared_ptr<const events::SubscriptionTable> buildSubscriptions(
    const config::Config& config, const plugins::HandlerRegistry& handlers,
    const plugins::PluginHost& host, std::vector<config::Diagnostic>& problems) {
  auto table = std::make_shared<events::SubscriptionTable>();
  for (const auto& s : config.subscriptions) {
    if (!host.available(s.plugin)) continue;  // an optional plugin that failed: logged already
    const auto* handler = handlers.event(s.plugin, s.handler);
    if (!handler) {
      problems.push_back({s.at, "events." + s.topic + ": plugin '" + s.plugin +
                                    "' has no event handler '" + s.handler + "' (it registered: " +
                                    listOf(handlers.eventNames(s.plugin)) + ")"});
      continue;
    }
    (*table)[s.topic].push_back(
        {s.plugin + "." + s.handler, handler, s.plugin, s.handler, s.async, s.in_transaction});
  }
  return table;
}

}  // namespace switchboard::kernel::runtime
