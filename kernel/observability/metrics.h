// Counters and histograms, lock-free on the request path, rendered in Prometheus text format.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace switchboard::kernel::observability {

class LatencyHistogram {
 public:
  static constexpr std::array<double, 13> kBoundsSeconds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  void observe(std::chrono::nanoseconds d);
  void render(const std::string& name, const std::string& labels, std::string& out) const;

 private:
  std::array<std::atomic<std::uint64_t>, kBoundsSeconds.size() + 1> buckets_{};  // last: +Inf
  std::atomic<std::uint64_t> sum_ns_{0};
};

// One per route label ("POST /webhooks/{provider}"); kept across reloads.
class RouteMetrics {
 public:
  explicit RouteMetrics(std::string label) : label_(std::move(label)) {}
  void record(int status, std::chrono::nanoseconds latency);
  void render(std::string& requests, std::string& latency) const;

 private:
  std::string label_;
  std::array<std::atomic<std::uint64_t>, 600> by_status_{};
  LatencyHistogram latency_;
};

// Outbound calls per (plugin, upstream): attempts by status ("200", "503", "timeout", "error",
// "circuit_open") and latency. Not on the request path: a mutex is fine.
class UpstreamMetrics {
 public:
  void record(const std::string& plugin, const std::string& upstream, const std::string& status,
              std::optional<std::chrono::nanoseconds> latency);
  void render(std::string& out) const;

 private:
  struct Series {
    std::map<std::string, std::uint64_t> by_status;
    LatencyHistogram latency;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Series>> series_;
};

class Metrics {
 public:
  // The same label always yields the same object; references stay valid for Metrics' life.
  RouteMetrics& route(const std::string& label);

  std::atomic<std::int64_t> in_flight{0};
  std::atomic<std::uint64_t> events_published{0};
  std::atomic<std::uint64_t> events_handled{0};
  std::atomic<std::uint64_t> events_failed{0};
  std::atomic<std::uint64_t> reloads_succeeded{0};
  std::atomic<std::uint64_t> reloads_failed{0};
  std::atomic<std::uint64_t> inbox_commit_batches{0};
  std::atomic<std::uint64_t> inbox_commit_rows{0};
  std::atomic<std::uint64_t> inbox_commit_batch_max{0};
  std::atomic<std::uint64_t> inbox_duplicates{0};
  std::atomic<std::uint64_t> inbox_attempts{0};
  std::atomic<std::uint64_t> inbox_processed{0};
  std::atomic<std::uint64_t> inbox_failures{0};
  std::atomic<std::uint64_t> inbox_dead{0};
  // Inline deliveries of events an inbox item published, held until its transaction commits
  // (deferred), then run or dropped with a failed attempt (settled). Rendered with the inbox's
  // item counts (Inbox::metricsText), not in the counters' list.
  std::atomic<std::uint64_t> deliveries_deferred{0};
  std::atomic<std::uint64_t> deliveries_settled{0};

  // The HTTP transport: connections and what it refused or closed before a handler saw a request.
  std::atomic<std::int64_t> connections_open{0};
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_refused_capacity{0};  // over max_connections: 503
  std::atomic<std::uint64_t> connections_refused_fd_limit{0};  // at the open-file limit
  std::atomic<std::uint64_t> connections_idle_closed{0};
  std::atomic<std::uint64_t> requests_header_timeout{0};
  std::atomic<std::uint64_t> requests_body_timeout{0};
  std::atomic<std::uint64_t> requests_rejected{
      0};  // framing errors and limits (400/413/414/431/...)

  UpstreamMetrics upstream;

  struct Gauge {
    std::string name, help;
    double value;
  };
  // `gauges` are point-in-time values the caller owns (plugin count, config generation, ...);
  // `extra` is more exposition text, appended as it is (labelled gauges rendered elsewhere).
  std::string render(const std::vector<Gauge>& gauges, const std::string& extra = {}) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<RouteMetrics>> routes_;
};

// Escapes a Prometheus label value.
std::string labelValue(const std::string& raw);

}  // namespace switchboard::kernel::observability
