// The kernel's own endpoints: /api/health, /api/health/detailed, /api/health/metrics.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "observability/metrics.h"
#include "plugin_host/plugin_host.h"
#include "switchboard/health.h"
#include "switchboard/http.h"

namespace switchboard::kernel::observability {

struct GenerationInfo {
  int number = 0;
  std::string file;
  std::chrono::system_clock::time_point loaded_at;
};

// One part of the server checked for /api/health/detailed (the database, the transport, ...):
// whether it works, and figures that say how well.
struct HealthCheck {
  std::string name;
  switchboard::HealthStatus status;
};

switchboard::HttpResponse healthReport(bool draining);
// `full` (asked with the admin token): file paths and error texts too; else files by their
// names only and no errors, which may name paths (anyone may ask for this report).
switchboard::HttpResponse detailedHealthReport(const plugins::PluginHost& host,
                                               const GenerationInfo& generation,
                                               std::chrono::steady_clock::time_point started,
                                               bool draining,
                                               const std::vector<HealthCheck>& checks = {},
                                               bool full = false);
// `extra`: labelled series rendered by their owners (the upstream breakers).
switchboard::HttpResponse metricsReport(const Metrics& metrics, const plugins::PluginHost& host,
                                        const GenerationInfo& generation,
                                        const std::string& extra = {});

std::string isoTime(std::chrono::system_clock::time_point t);

}  // namespace switchboard::kernel::observability
