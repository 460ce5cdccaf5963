// The HTTP front end on Pistache. Pistache's router is not used (its route table is not
// thread-safe and cannot change while serving): one handler receives every request and hands
// it to the RequestDispatcher.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "config/config.h"
#include "http/request_dispatcher.h"
#include "observability/metrics.h"

namespace Pistache::Http {
class Endpoint;
}

namespace sb::http {

class HttpServer {
 public:
  HttpServer(const config::ServerConfig& config, const RequestDispatcher& dispatcher,
             observability::Metrics& metrics);
  ~HttpServer();

  // Binds and serves on background threads; throws when the address cannot be bound.
  void start();
  std::uint16_t port() const;

  // From now on responses carry `Connection: close`; returns once no request is in flight or
  // the timeout passed, then stops serving.
  void drainAndShutdown(std::chrono::milliseconds timeout);

 private:
  config::ServerConfig config_;
  const RequestDispatcher& dispatcher_;
  observability::Metrics& metrics_;
  std::shared_ptr<std::atomic<bool>> draining_ = std::make_shared<std::atomic<bool>>(false);
  std::unique_ptr<Pistache::Http::Endpoint> endpoint_;
  bool running_ = false;
};

}  // namespace sb::http
