// The listening socket and its accept loop, on one thread. Replaces Pistache's Tcp::Listener,
// whose loop retries a failing accept() forever at the open-file limit (the listening socket
// stays readable, so the thread spins and no one is served): here a reserved descriptor is
// given up to accept and close the waiting connection, so the backlog keeps moving.
#pragma once

#include <spdlog/logger.h>
#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace switchboard::kernel::http {

class Acceptor {
 public:
  // Gets each accepted socket (non-blocking, close-on-exec) and its peer's address.
  using OnAccept = std::function<void(int fd, const sockaddr_storage& address)>;
  // Called for a connection accepted only to be closed at the open-file limit.
  using OnShed = std::function<void()>;

  Acceptor(std::shared_ptr<spdlog::logger> log, OnAccept on_accept, OnShed on_shed);
  ~Acceptor();

  // Binds and listens; throws std::runtime_error naming the address when it cannot.
  void bind(const std::string& host, std::uint16_t port);
  std::uint16_t port() const;
  void start();
  // Stops accepting and closes the listening socket: new connections are refused.
  void stop();

 private:
  void run();
  bool shedOne();

  std::shared_ptr<spdlog::logger> log_;
  OnAccept on_accept_;
  OnShed on_shed_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;     // eventfd: wakes the loop to stop
  int reserve_fd_ = -1;  // given up at the open-file limit
  std::thread thread_;
};

}  // namespace switchboard::kernel::http
