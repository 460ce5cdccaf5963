// The HttpClient a plugin gets from host.client(): its YAML `http_client:` settings applied to
// every call — timeouts, retries with full-jitter backoff and Retry-After, a circuit breaker per
// (plugin, upstream, tenant), metrics, and log lines with secrets redacted.
#pragma once

#include <spdlog/logger.h>

#include <functional>
#include <memory>
#include <string>

#include "config/config.h"
#include "net/circuit_breaker.h"
#include "net/transport.h"
#include "observability/metrics.h"
#include "switchboard/clock.h"
#include "switchboard/http_client.h"

namespace switchboard::kernel::net {

// What every plugin's client shares. `sleep` and `unit_random` are injectable so the timing
// of retries is tested with a fake clock, not by waiting.
struct UpstreamFacilities {
  Transport& transport;
  BreakerBoard& breakers;
  observability::UpstreamMetrics& metrics;
  const switchboard::Clock& clock;
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<double()> unit_random;  // uniform in [0, 1)
  // Told when a breaker opens or closes (after the log line); may be empty.
  std::function<void(const BreakerKey&, BreakerState)> on_breaker;
};

// The production sleep and random source.
void realSleep(std::chrono::milliseconds d);
double threadRandomUnit();

class UpstreamClient final : public switchboard::HttpClient {
 public:
  UpstreamClient(std::string plugin, config::OutboundConfig settings,
                 std::shared_ptr<spdlog::logger> log, UpstreamFacilities facilities);

  switchboard::OutboundResponse send(const switchboard::OutboundRequest& request) override;

 private:
  // Safe to send again after `response` (see switchboard/http_client.h).
  static bool repeatable(const switchboard::OutboundRequest& request,
                         const switchboard::OutboundResponse& response);
  static bool transient(const switchboard::OutboundResponse& response);
  void breakerChanged(const BreakerKey& key, BreakerState state, const std::string& why);

  std::string plugin_;
  config::OutboundConfig settings_;
  std::shared_ptr<spdlog::logger> log_;
  UpstreamFacilities facilities_;
};

// The upstream's name for metrics and breakers when the request gives none: the URL's host.
std::string hostOf(const std::string& url);

}  // namespace switchboard::kernel::net
