#include "http/http_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pistache/peer.h>
#include <pistache/reactor.h>
#include <pistache/tcp.h>
#include <pistache/transport.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <unordered_map>

#include "http/acceptor.h"
#include "http/response_encoder.h"

namespace switchboard::kernel::http {
namespace {

// Pistache's per-worker callback: one clone per reactor thread, so its fd → connection map is
// only ever touched by that thread.
class TransportHandler final : public Pistache::Tcp::Handler {
 public:
  TransportHandler(std::shared_ptr<ConnectionContext> context,
                   std::shared_ptr<ConnectionRegistry> registry)
      : context_(std::move(context)), registry_(std::move(registry)) {}

  std::shared_ptr<Pistache::Tcp::Handler> clone() const override {
    return std::make_shared<TransportHandler>(context_, registry_);
  }

  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    try {
      auto connection = std::make_shared<Connection>(peer, context_);
      connections_[peer->fd()] = connection;
      registry_->add(connection);
    } catch (const std::exception& e) {
      context_->log->error("cannot set up a connection: {}", e.what());
      ::shutdown(peer->fd(), SHUT_RDWR);
    }
  }

  void onInput(const char* data, std::size_t size,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    const auto it = connections_.find(peer->fd());
    if (it == connections_.end()) return;
    try {
      it->second->receive(data, size);
    } catch (const std::exception& e) {  // never into Pistache's reactor loop
      context_->log->error("connection input failed: {}", e.what());
      it->second->forceClose();
    }
  }

  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    const auto it = connections_.find(peer->fd());
    if (it == connections_.end()) return;
    auto connection = std::move(it->second);
    connections_.erase(it);
    registry_->remove(connection);
    context_->metrics.connections_open.fetch_sub(1);
    // Writes of ours still queued for this fd go out (or fail) now, before Pistache closes it
    // and the number can be given to a new connection.
    if (connection->closed()) transport()->flush();
  }

 private:
  std::shared_ptr<ConnectionContext> context_;
  std::shared_ptr<ConnectionRegistry> registry_;
  std::unordered_map<int, std::shared_ptr<Connection>> connections_;
};

// Connections need descriptors: take the hard limit, and keep the cap below it.
std::size_t fitConnectionsToFileLimit(std::size_t wanted, spdlog::logger& log) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  constexpr std::size_t kReserved = 128;  // database, logs, plugins, outbound HTTP
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > wanted + kReserved) return wanted;
  const auto fitted =
      limit.rlim_cur > kReserved * 2 ? limit.rlim_cur - kReserved : limit.rlim_cur / 2;
  log.warn("server.max_connections {} lowered to {}: the open-file limit is {}", wanted, fitted,
           limit.rlim_cur);
  return fitted;
}

}  // namespace

void ConnectionRegistry::add(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mutex_);
  connections_.insert(c);
}

void ConnectionRegistry::remove(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mutex_);
  connections_.erase(c);
}

std::vector<std::shared_ptr<Connection>> ConnectionRegistry::snapshot() const {
  std::lock_guard lock(mutex_);
  return {connections_.begin(), connections_.end()};
}

HttpServer::HttpServer(const config::ServerConfig& config, const RequestDispatcher& dispatcher,
                       observability::Metrics& metrics, std::shared_ptr<spdlog::logger> log)
    : config_(config), metrics_(metrics), log_(std::move(log)) {
  FramingLimits limits;
  limits.max_request_line = config.max_request_line_bytes;
  limits.max_header_bytes = config.max_header_bytes;
  limits.max_headers = config.max_headers;
  limits.max_body_bytes = config.max_body_bytes;
  TransportTimeouts timeouts;
  timeouts.idle = config.idle_timeout;
  timeouts.header = config.header_timeout;
  timeouts.body_min_rate = config.body_min_rate;
  timeouts.body_rate_window = config.body_rate_window;
  timeouts.linger = std::min<std::chrono::milliseconds>(timeouts.linger, config.idle_timeout);
  context_ = std::make_shared<ConnectionContext>(dispatcher, metrics, log_, limits, timeouts);
  max_connections_ = config.max_connections;
}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  max_connections_ = fitConnectionsToFileLimit(config_.max_connections, *log_);
  acceptor_ = std::make_unique<Acceptor>(
      log_, [this](int fd, const sockaddr_storage& address) { admit(fd, address); },
      [this] { metrics_.connections_refused_fd_limit.fetch_add(1); });
  acceptor_->bind(config_.host, config_.port);

  reactor_ = Pistache::Aio::Reactor::create();
  reactor_->init(Pistache::Aio::AsyncContext(static_cast<std::size_t>(config_.threads), "sb-http"));
  auto prototype = std::make_shared<Pistache::Tcp::Transport>(
      std::make_shared<TransportHandler>(context_, registry_));
  const auto key = reactor_->addHandler(prototype);
  for (const auto& handler : reactor_->handlers(key))
    transports_.push_back(std::static_pointer_cast<Pistache::Tcp::Transport>(handler));
  reactor_->run();
  running_ = true;
  sweeper_ = std::thread([this] { sweepLoop(); });
  acceptor_->start();
}

std::uint16_t HttpServer::port() const {
  return acceptor_ ? acceptor_->port() : 0;
}

void HttpServer::admit(int fd, const sockaddr_storage& address) {
  metrics_.connections_accepted.fetch_add(1);
  if (static_cast<std::size_t>(metrics_.connections_open.load()) >= max_connections_) {
    metrics_.connections_refused_capacity.fetch_add(1);
    const auto refusal = encodeTransportError(503, "too many connections; try again later");
    [[maybe_unused]] auto n =
        ::send(fd, refusal.data(), refusal.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(fd);
    return;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::shared_ptr<Pistache::Tcp::Peer> peer;
  try {
    sockaddr_storage copy = address;
    peer = Pistache::Tcp::Peer::Create(
        fd, Pistache::Address::fromUnix(reinterpret_cast<sockaddr*>(&copy)));
  } catch (const std::exception& e) {
    log_->warn("cannot take a connection: {}", e.what());
    ::close(fd);
    return;
  }
  metrics_.connections_open.fetch_add(1);
  transports_[next_transport_++ % transports_.size()]->handleNewPeer(peer);
}

void HttpServer::sweepLoop() {
  const auto& t = context_->timeouts;
  auto period = std::min({t.idle, t.header, t.body_rate_window, t.linger}) / 4;
  period = std::clamp<std::chrono::milliseconds>(period, std::chrono::milliseconds(10),
                                                 std::chrono::milliseconds(250));
  std::unique_lock lock(sweep_mutex_);
  while (!stopping_) {
    sweep_wake_.wait_for(lock, period);
    if (stopping_) break;
    lock.unlock();
    const auto now = SteadyClock::now();
    for (const auto& c : registry_->snapshot()) c->sweep(now);
    lock.lock();
  }
}

void HttpServer::drainAndShutdown(std::chrono::milliseconds timeout) {
  if (!running_) return;
  context_->draining = true;
  acceptor_->stop();  // new connections are refused from now on
  for (const auto& c : registry_->snapshot()) c->drain();
  const auto deadline = SteadyClock::now() + timeout;
  while ((metrics_.in_flight.load() > 0 || context_->queued_writes.load() > 0) &&
         SteadyClock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  stop();
}

void HttpServer::stop() {
  if (!running_) return;
  running_ = false;
  context_->draining = true;
  if (acceptor_) acceptor_->stop();
  {
    std::lock_guard lock(sweep_mutex_);
    stopping_ = true;
  }
  sweep_wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
  for (const auto& c : registry_->snapshot()) c->forceClose();
  reactor_->shutdown();
  transports_.clear();
  reactor_.reset();  // joins the reactor threads
  // Descriptors the reactor did not get to close before it stopped.
  for (const auto& c : registry_->snapshot()) {
    c->closeFd();
    registry_->remove(c);
    metrics_.connections_open.fetch_sub(1);
  }
}

}  // namespace switchboard::kernel::http
