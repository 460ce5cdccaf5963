#include "http/request_dispatcher.h"

#include <chrono>

#include "util/ids.h"

namespace sb::http {

using switchboard::HttpResponse;

RequestDispatcher::RequestDispatcher(observability::Metrics& metrics,
                                     std::shared_ptr<spdlog::logger> log,
                                     std::size_t max_body_bytes)
    : metrics_(metrics),
      log_(std::move(log)),
      max_body_bytes_(max_body_bytes),
      unmatched_(metrics.route("unmatched")) {}

HttpResponse RequestDispatcher::dispatch(switchboard::HttpRequest& request) const {
  const auto begin = std::chrono::steady_clock::now();
  const auto incoming = request.header("x-request-id");
  request.request_id = incoming && util::isAcceptableRequestId(*incoming) ? std::string(*incoming)
                                                                          : util::randomId();
  const auto routes = routes_.load();
  auto match = routes->match(request.method, request.path);
  observability::RouteMetrics* metrics = &unmatched_;
  HttpResponse response;

  if (!match.target) {
    if (match.allow.empty()) {
      response = HttpResponse::error(request, 404, "no route for " + request.path);
    } else {
      response =
          HttpResponse::error(request, 405, request.method + " is not allowed on " + request.path);
      response.header("Allow", match.allow);
    }
  } else {
    metrics = match.target->metrics;
    if (request.body.size() > max_body_bytes_) {
      response =
          HttpResponse::error(request, 413,
                              "request body of " + std::to_string(request.body.size()) +
                                  " bytes exceeds the limit of " + std::to_string(max_body_bytes_));
    } else if (!match.target->handler) {
      response = HttpResponse::error(request, 503, "the plugin behind this route is unavailable");
    } else {
      request.params = std::move(match.params);
      try {
        response = (*match.target->handler)(request);
      } catch (const std::exception& e) {
        log_->error("request {} {} {}: handler failed: {}", request.request_id, request.method,
                    request.path, e.what());
        response = HttpResponse::error(request, 500, "internal error");
      } catch (...) {
        log_->error("request {} {} {}: handler failed with a non-standard exception",
                    request.request_id, request.method, request.path);
        response = HttpResponse::error(request, 500, "internal error");
      }
      if (response.status < 100 || response.status > 599) {
        log_->error("request {}: handler answered invalid status {}", request.request_id,
                    response.status);
        response = HttpResponse::error(request, 500, "internal error");
      }
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  metrics->record(response.status, elapsed);
  log_->debug("{} {} {} -> {} in {}us", request.request_id, request.method, request.path,
              response.status,
              std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
  return response;
}

}  // namespace sb::http
