#include "http/acceptor.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace switchboard::kernel::http {

Acceptor::Acceptor(std::shared_ptr<spdlog::logger> log, OnAccept on_accept, OnShed on_shed)
    : log_(std::move(log)), on_accept_(std::move(on_accept)), on_shed_(std::move(on_shed)) {}

Acceptor::~Acceptor() {
  stop();
  if (stop_fd_ >= 0) ::close(stop_fd_);
  if (reserve_fd_ >= 0) ::close(reserve_fd_);
}

void Acceptor::bind(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const auto service = std::to_string(port);
  if (const int rc =
          ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found);
      rc != 0)
    throw std::runtime_error("cannot resolve " + host + ": " + gai_strerror(rc));
  std::string failure = "no address";
  for (auto* a = found; a; a = a->ai_next) {
    const int fd =
        ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
      listen_fd_ = fd;
      break;
    }
    failure = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  if (listen_fd_ < 0)
    throw std::runtime_error("cannot listen on " + host + ":" + service + ": " + failure);
  stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

std::uint16_t Acceptor::port() const {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (listen_fd_ < 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &size))
    return 0;
  if (address.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

void Acceptor::start() {
  thread_ = std::thread([this] { run(); });
}

void Acceptor::stop() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
    thread_.join();
  }
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
}

bool Acceptor::shedOne() {
  if (reserve_fd_ < 0) return false;
  ::close(reserve_fd_);
  const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd >= 0) ::close(fd);
  reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd >= 0;
}

void Acceptor::run() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point last_warning{};
  bool paused = false;  // at the file limit with no reserve: wait a little before trying again
  for (;;) {
    pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    const int ready = ::poll(fds, paused ? 1 : 2, paused ? 100 : -1);
    if (ready < 0 && errno != EINTR) {
      log_->error("accept loop: poll failed: {}", std::strerror(errno));
      return;
    }
    if (fds[0].revents) return;
    paused = false;
    for (;;) {
      sockaddr_storage address{};
      socklen_t size = sizeof address;
      const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&address), &size,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0) {
        on_accept_(fd, address);
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        const auto now = Clock::now();
        if (now - last_warning > std::chrono::seconds(1)) {
          log_->warn("accept: {}; closing new connections until descriptors are free",
                     std::strerror(errno));
          last_warning = now;
        }
        if (shedOne()) {
          on_shed_();
          continue;
        }
        paused = true;
        break;
      }
      log_->error("accept failed: {}", std::strerror(errno));
      break;
    }
  }
}

}  // namespace switchboard::kernel::http
