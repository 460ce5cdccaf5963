// A plugin's own checks in /api/health/detailed (a cache's size, the age of the last webhook):
// a probe the kernel calls on each detailed health request.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace switchboard {

struct HealthStatus {
  bool ok = true;                                       // false makes the whole report "degraded"
  std::vector<std::pair<std::string, double>> figures;  // {"cache_entries", 42}
  std::vector<std::pair<std::string, std::string>> facts;  // {"last_webhook", "2026-11-28T..."}
  std::string error;                                       // why not ok
};

// Runs on a server thread while a client waits: keep it to memory reads or one cheap query.
using HealthProbe = std::function<HealthStatus()>;

}  // namespace switchboard
