// From a parsed request to a response: request id, body limit, route match (404/405), the
// plugin's handler (an exception becomes 500), metrics. Independent of the server library.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <memory>

#include "http/reply.h"
#include "http/route_table.h"
#include "http/upstream_pool.h"
#include "observability/metrics.h"
#include "switchboard/http.h"

namespace switchboard::kernel::http {

// Where durable routes hand their requests (the inbox).
class DurableSink {
 public:
  virtual ~DurableSink() = default;
  virtual void accept(const RouteTarget& target, const switchboard::HttpRequest& request,
                      Reply reply) = 0;
};

class RequestDispatcher {
 public:
  RequestDispatcher(observability::Metrics& metrics, std::shared_ptr<spdlog::logger> log,
                    std::size_t max_body_bytes, DurableSink* durable);

  // Never throws; calls `reply` exactly once, inline or later from another thread (durable
  // routes answer after their group commit). Sets request.request_id (taken from
  // X-Request-Id when acceptable); every response carries it.
  void dispatch(switchboard::HttpRequest& request, Reply reply) const;

  void setRoutes(std::shared_ptr<const RouteTable> routes) { routes_.store(std::move(routes)); }
  // Where handlers that wait on an upstream run (none: on the calling thread).
  void setUpstreamPool(UpstreamPool* pool) { upstream_pool_ = pool; }
  std::shared_ptr<const RouteTable> routes() const { return routes_.load(); }

 private:
  observability::Metrics& metrics_;
  std::shared_ptr<spdlog::logger> log_;
  std::size_t max_body_bytes_;
  DurableSink* durable_;
  UpstreamPool* upstream_pool_ = nullptr;
  observability::RouteMetrics& unmatched_;
  std::atomic<std::shared_ptr<const RouteTable>> routes_{std::make_shared<const RouteTable>()};
};

}  // namespace switchboard::kernel::http
