#include "http/request_dispatcher.h"

#include <chrono>

#include "http/admin_auth.h"
#include "util/ids.h"

namespace switchboard::kernel::http {

using switchboard::HttpResponse;

namespace {

// The name of a header that carries a credential (Authorization, a signature, a secret token)
// and came more than once. Which of two would a proxy, a plugin and a log each have checked?
// Such a request is refused, never read by its first.
std::optional<std::string> repeatedCredential(const std::vector<switchboard::HttpHeader>& headers) {
  auto credential = [](const std::string& name) {
    return name == "authorization" || name.find("signature") != std::string::npos ||
           name.find("secret") != std::string::npos;
  };
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (!credential(headers[i].name)) continue;
    for (std::size_t j = i + 1; j < headers.size(); ++j)
      if (headers[j].name == headers[i].name) return headers[i].name;
  }
  return std::nullopt;
}

}  // namespace

RequestDispatcher::RequestDispatcher(observability::Metrics& metrics,
                                     std::shared_ptr<spdlog::logger> log,
                                     std::size_t max_body_bytes, DurableSink* durable)
    : metrics_(metrics),
      log_(std::move(log)),
      max_body_bytes_(max_body_bytes),
      durable_(durable),
      unmatched_(metrics.route("unmatched")) {}

void RequestDispatcher::dispatch(switchboard::HttpRequest& request, Reply reply) const {
  const auto begin = std::chrono::steady_clock::now();
  const auto incoming = request.header("x-request-id");
  request.request_id = incoming && util::isAcceptableRequestId(*incoming) ? std::string(*incoming)
                                                                          : util::randomId();
  const auto routes = routes_.load();
  auto match = routes->match(request.method, request.path);
  // HEAD is GET without the body (RFC 9110 §9.3.2): the transport leaves the body out.
  if (!match.target && request.method == "HEAD") {
    auto get = routes->match("GET", request.path);
    if (get.target) match = std::move(get);
  }
  observability::RouteMetrics* metrics = match.target ? match.target->metrics : &unmatched_;

  // Everything answers through here: metrics, the access log and the request id header.
  auto finish = [this, begin, metrics, reply = std::move(reply), id = request.request_id,
                 method = request.method, path = request.path](HttpResponse response) {
    if (response.status < 100 || response.status > 599) {
      log_->error("request {}: handler answered invalid status {}", id, response.status);
      response = HttpResponse::json(500, R"({"error":{"status":500,"message":"internal error"}})");
    }
    response.header("X-Request-Id", id);
    const auto elapsed = std::chrono::steady_clock::now() - begin;
    metrics->record(response.status, elapsed);
    log_->debug("{} {} {} -> {} in {}us", id, method, path, response.status,
                std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
    reply(std::move(response));
  };

  if (!match.target) {
    if (match.allow.empty()) {
      finish(HttpResponse::error(request, 404, "no route for " + request.path));
    } else {
      auto response =
          HttpResponse::error(request, 405, request.method + " is not allowed on " + request.path);
      response.header("Allow", match.allow);
      finish(std::move(response));
    }
    return;
  }
  const RouteTarget& target = *match.target;
  if (request.body.size() > max_body_bytes_) {
    finish(HttpResponse::error(request, 413,
                               "request body of " + std::to_string(request.body.size()) +
                                   " bytes exceeds the limit of " +
                                   std::to_string(max_body_bytes_)));
    return;
  }
  if (const auto twice = repeatedCredential(request.headers)) {
    finish(HttpResponse::error(request, 400, "header " + *twice + " given more than once"));
    return;
  }
  if (target.admin_token) {
    if (auto refusal = checkAdminToken(request, *target.admin_token)) {
      finish(std::move(*refusal));
      return;
    }
  }
  if (!target.handler && !target.durable) {
    finish(HttpResponse::error(request, 503, "the plugin behind this route is unavailable"));
    return;
  }
  request.params = std::move(match.params);
  // `finish` is shared so that an exception after a durable hand-off cannot answer twice.
  auto shared = std::make_shared<decltype(finish)>(std::move(finish));
  auto answered = std::make_shared<std::atomic<bool>>(false);
  Reply once = [shared, answered](HttpResponse r) {
    if (!answered->exchange(true)) (*shared)(std::move(r));
  };
  try {
    if (target.durable) {
      if (!durable_) throw std::logic_error("durable route without an inbox");
      durable_->accept(target, request, once);
    } else if (target.waits_upstream && upstream_pool_) {
      auto copy = std::make_shared<switchboard::HttpRequest>(request);
      const bool queued = upstream_pool_->submit([this, handler = target.handler, copy, once] {
        try {
          once((*handler)(*copy));
        } catch (const std::exception& e) {
          log_->error("request {} {} {}: handler failed: {}", copy->request_id, copy->method,
                      copy->path, e.what());
          once(HttpResponse::error(*copy, 500, "internal error"));
        } catch (...) {
          log_->error("request {} {} {}: handler failed with a non-standard exception",
                      copy->request_id, copy->method, copy->path);
          once(HttpResponse::error(*copy, 500, "internal error"));
        }
      });
      if (!queued)
        once(HttpResponse::error(request, 503,
                                 "too many requests waiting on upstreams; try again shortly"));
    } else {
      once((*target.handler)(request));
    }
  } catch (const std::exception& e) {
    log_->error("request {} {} {}: handler failed: {}", request.request_id, request.method,
                request.path, e.what());
    once(HttpResponse::error(request, 500, "internal error"));
  } catch (...) {
    log_->error("request {} {} {}: handler failed with a non-standard exception",
                request.request_id, request.method, request.path);
    once(HttpResponse::error(request, 500, "internal error"));
  }
}

}  // namespace switchboard::kernel::http
