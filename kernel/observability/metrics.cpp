#include "observability/metrics.h"

#include <cstdio>

#include "storage/database.h"
#include "storage/prepared_statements.h"
#include "storage/sqlite_log_writes.h"

namespace switchboard::kernel::observability {
namespace {

void counterHeader(std::string& out, const char* name, const char* help, const char* type) {
  out += "# HELP ";
  out += name;
  out += " ";
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += " ";
  out += type;
  out += "\n";
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

std::string labelValue(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void LatencyHistogram::observe(std::chrono::nanoseconds d) {
  const double seconds = std::chrono::duration<double>(d).count();
  std::size_t i = 0;
  while (i < kBoundsSeconds.size() && seconds > kBoundsSeconds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(d.count()), std::memory_order_relaxed);
}

void LatencyHistogram::render(const std::string& name, const std::string& labels,
                              std::string& out) const {
  std::uint64_t total = 0;
  for (const auto& b : buckets_) total += b.load(std::memory_order_relaxed);
  if (total == 0) return;  // a route never requested: no series yet
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= kBoundsSeconds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    const std::string le = i < kBoundsSeconds.size() ? number(kBoundsSeconds[i]) : "+Inf";
    out += name + "_bucket{" + labels + ",le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  out +=
      name + "_sum{" + labels + "} " + number(sum_ns_.load(std::memory_order_relaxed) / 1e9) + "\n";
  out += name + "_count{" + labels + "} " + std::to_string(cumulative) + "\n";
}

void RouteMetrics::record(int status, std::chrono::nanoseconds latency) {
  if (status >= 100 && status < 600) by_status_[status].fetch_add(1, std::memory_order_relaxed);
  latency_.observe(latency);
}

void RouteMetrics::render(std::string& requests, std::string& latency) const {
  const std::string route = "route=\"" + labelValue(label_) + "\"";
  for (int status = 100; status < 600; ++status) {
    const auto n = by_status_[status].load(std::memory_order_relaxed);
    if (n == 0) continue;
    requests += "switchboard_http_requests_total{" + route + ",status=\"" + std::to_string(status) +
                "\"} " + std::to_string(n) + "\n";
  }
  latency_.render("switchboard_http_request_duration_seconds", route, latency);
}

RouteMetrics& Metrics::route(const std::string& label) {
  std::lock_guard lock(mutex_);
  auto& slot = routes_[label];
  if (!slot) slot = std::make_unique<RouteMetrics>(label);
  return *slot;
}

void UpstreamMetrics::record(const std::string& plugin, const std::string& upstream,
                             const std::string& status,
                             std::optional<std::chrono::nanoseconds> latency) {
  std::lock_guard lock(mutex_);
  auto& slot = series_[{plugin, upstream}];
  if (!slot) slot = std::make_unique<Series>();
  ++slot->by_status[status];
  if (latency) slot->latency.observe(*latency);
}

void UpstreamMetrics::render(std::string& out) const {
  std::string requests, latency;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, series] : series_) {
      const std::string labels =
          "plugin=\"" + labelValue(key.first) + "\",upstream=\"" + labelValue(key.second) + "\"";
      for (const auto& [status, n] : series->by_status)
        requests += "switchboard_upstream_requests_total{" + labels + ",status=\"" +
                    labelValue(status) + "\"} " + std::to_string(n) + "\n";
      series->latency.render("switchboard_upstream_request_duration_seconds", labels, latency);
    }
  }
  counterHeader(out, "switchboard_upstream_requests_total",
                "Outbound call attempts, by plugin, upstream and status.", "counter");
  out += requests;
  counterHeader(out, "switchboard_upstream_request_duration_seconds",
                "Time per outbound attempt that reached the network.", "histogram");
  out += latency;
}

std::string Metrics::render(const std::vector<Gauge>& gauges, const std::string& extra) const {
  std::string requests, latency, out;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [label, route] : routes_) route->render(requests, latency);
  }
  counterHeader(out, "switchboard_http_requests_total",
                "HTTP requests answered, by route and status.", "counter");
  out += requests;
  counterHeader(out, "switchboard_http_request_duration_seconds",
                "Time from a parsed request to its response, by route.", "histogram");
  out += latency;
  counterHeader(out, "switchboard_http_requests_in_flight", "Requests being handled now.", "gauge");
  out += "switchboard_http_requests_in_flight " + std::to_string(in_flight.load()) + "\n";
  counterHeader(out, "switchboard_http_connections_open", "Client connections open now.", "gauge");
  out += "switchboard_http_connections_open " + std::to_string(connections_open.load()) + "\n";
  struct Counter {
    const char* name;
    const char* help;
    const std::atomic<std::uint64_t>* value;
  };
  const Counter counters[] = {
      {"switchboard_events_published_total", "Events published on the bus.", &events_published},
      {"switchboard_events_handled_total", "Event deliveries that returned.", &events_handled},
      {"switchboard_events_failed_total", "Event deliveries that threw.", &events_failed},
      {"switchboard_config_reloads_succeeded_total", "Reloads applied.", &reloads_succeeded},
      {"switchboard_config_reloads_failed_total", "Reloads refused; the old config stayed.",
       &reloads_failed},
      {"switchboard_inbox_commit_batches_total", "Group commits of inbox rows.",
       &inbox_commit_batches},
      {"switchboard_inbox_commit_rows_total", "Inbox rows written by group commits.",
       &inbox_commit_rows},
      {"switchboard_inbox_duplicates_total", "Deliveries already in the inbox, acknowledged only.",
       &inbox_duplicates},
      {"switchboard_inbox_attempts_total", "Processing attempts of inbox items.", &inbox_attempts},
      {"switchboard_inbox_processed_total", "Inbox items processed successfully.",
       &inbox_processed},
      {"switchboard_inbox_failures_total", "Processing attempts that failed.", &inbox_failures},
      {"switchboard_inbox_dead_total", "Items that ran out of attempts.", &inbox_dead},
      {"switchboard_http_connections_accepted_total", "Connections accepted.",
       &connections_accepted},
      {"switchboard_http_connections_refused_capacity_total",
       "Connections refused with 503: max_connections were open.", &connections_refused_capacity},
      {"switchboard_http_connections_refused_fd_limit_total",
       "Connections closed at once: the process was at its open-file limit.",
       &connections_refused_fd_limit},
      {"switchboard_http_connections_idle_closed_total",
       "Connections closed after idle_timeout_ms (header_timeout_ms before a first request).",
       &connections_idle_closed},
      {"switchboard_http_header_timeouts_total",
       "Requests answered 408: headers incomplete after header_timeout_ms.",
       &requests_header_timeout},
      {"switchboard_http_body_timeouts_total",
       "Requests answered 408: the body arrived slower than body_min_rate_bytes_per_s.",
       &requests_body_timeout},
      {"switchboard_http_requests_rejected_total",
       "Requests the transport refused before routing (framing errors and size limits).",
       &requests_rejected},
  };
  for (const auto& c : counters) {
    counterHeader(out, c.name, c.help, "counter");
    out += std::string(c.name) + " " + std::to_string(c.value->load()) + "\n";
  }
  counterHeader(out, "switchboard_inbox_commit_batch_max", "Largest group commit so far.", "gauge");
  out +=
      "switchboard_inbox_commit_batch_max " + std::to_string(inbox_commit_batch_max.load()) + "\n";
  const auto statements = storage::preparedStatementStats();
  counterHeader(out, "switchboard_db_statements_prepared_total",
                "Statement texts prepared (each once per connection while kept).", "counter");
  out += "switchboard_db_statements_prepared_total " + std::to_string(statements.prepared) + "\n";
  counterHeader(out, "switchboard_db_statement_runs_total", "Statements run.", "counter");
  out += "switchboard_db_statement_runs_total " + std::to_string(statements.runs) + "\n";
  counterHeader(out, "switchboard_db_statements_kept", "Statements held prepared, all connections.",
                "gauge");
  out += "switchboard_db_statements_kept " + std::to_string(statements.kept) + "\n";
  const auto log_writes = storage::sqliteLogWriteStats();
  counterHeader(out, "switchboard_sqlite_log_writes_total",
                "SQLite write-ahead-log writes: asked for, and made to the file (gathered).",
                "counter");
  out += "switchboard_sqlite_log_writes_total{stage=\"asked\"} " +
         std::to_string(log_writes.writes_asked) + "\n";
  out += "switchboard_sqlite_log_writes_total{stage=\"made\"} " +
         std::to_string(log_writes.writes_made) + "\n";
  const auto turns = storage::writeTurnTimes();
  counterHeader(out, "switchboard_sqlite_write_turn_seconds_total",
                "SQLite writers' time waiting for the single write turn, and holding it (in all, "
                "and on the CPU).",
                "counter");
  out += "switchboard_sqlite_write_turn_seconds_total{stage=\"waited\"} " +
         number(static_cast<double>(turns.waited_ns) / 1e9) + "\n";
  out += "switchboard_sqlite_write_turn_seconds_total{stage=\"held\"} " +
         number(static_cast<double>(turns.held_ns) / 1e9) + "\n";
  out += "switchboard_sqlite_write_turn_seconds_total{stage=\"held_on_cpu\"} " +
         number(static_cast<double>(turns.held_on_cpu_ns) / 1e9) + "\n";
  for (const auto& g : gauges) {
    counterHeader(out, g.name.c_str(), g.help.c_str(), "gauge");
    out += g.name + " " + number(g.value) + "\n";
  }
  upstream.render(out);
  out += extra;
  return out;
}

}  // namespace switchboard::kernel::observability
