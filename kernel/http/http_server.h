// The HTTP/1.1 server: Pistache's reactor and Tcp::Transport move the bytes; the kernel frames
// requests (RequestFramer), answers them (Connection) and accepts connections (Acceptor), so
// Pistache's own HTTP parser never sees a byte from a client. Its router is not used either:
// every request goes to the RequestDispatcher and the kernel's immutable route table.
#pragma once

#include <spdlog/logger.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include "config/config.h"
#include "http/connection.h"
#include "http/request_dispatcher.h"
#include "observability/metrics.h"

namespace Pistache::Aio {
class Reactor;
}
namespace Pistache::Tcp {
class Transport;
}

namespace switchboard::kernel::http {

class Acceptor;

// Every open connection, for the sweeper and the drain.
class ConnectionRegistry {
 public:
  void add(const std::shared_ptr<Connection>& c);
  void remove(const std::shared_ptr<Connection>& c);
  std::vector<std::shared_ptr<Connection>> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_set<std::shared_ptr<Connection>> connections_;
};

class HttpServer {
 public:
  HttpServer(const config::ServerConfig& config, const RequestDispatcher& dispatcher,
             observability::Metrics& metrics, std::shared_ptr<spdlog::logger> log);
  ~HttpServer();

  // Binds and serves on background threads; throws when the address cannot be bound.
  void start();
  std::uint16_t port() const;
  std::size_t maxConnections() const { return max_connections_; }  // after fitting the file limit

  // Stops accepting, closes idle connections, lets requests in flight finish (their responses
  // carry `Connection: close`) until `timeout`, then closes everything and stops.
  void drainAndShutdown(std::chrono::milliseconds timeout);

 private:
  void admit(int fd, const sockaddr_storage& address);
  void sweepLoop();
  void stop();

  config::ServerConfig config_;
  observability::Metrics& metrics_;
  std::shared_ptr<spdlog::logger> log_;
  std::shared_ptr<ConnectionContext> context_;
  std::shared_ptr<ConnectionRegistry> registry_ = std::make_shared<ConnectionRegistry>();
  std::shared_ptr<Pistache::Aio::Reactor> reactor_;
  std::vector<std::shared_ptr<Pistache::Tcp::Transport>> transports_;
  std::unique_ptr<Acceptor> acceptor_;
  std::size_t max_connections_;
  std::size_t next_transport_ = 0;

  std::thread sweeper_;
  std::mutex sweep_mutex_;
  std::condition_variable sweep_wake_;
  bool stopping_ = false;
  bool running_ = false;
};

}  // namespace switchboard::kernel::http
