// One client connection: frames its requests (RequestFramer), hands each to the dispatcher,
// writes the response, and enforces the timeouts. Requests on a connection are handled one at a
// time, in order: a pipelined request waits, as bytes, until the one before it is answered, so
// responses can never be reordered and memory per connection stays bounded.
//
// Threads: input arrives on the connection's reactor thread (Pistache's Tcp::Transport); a
// response may come from any thread (durable routes answer from the group commit's callback
// thread) and is written straight to the socket from it; only what the socket does not take at once
// is queued to Pistache's reactor, which waits for EPOLLOUT. The sweeper thread enforces timeouts.
// Every use of the fd happens under the connection's mutex while it is not Closed, and
// Pistache closes the fd only after closed() returned, so a reused fd number is never touched.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/request_dispatcher.h"
#include "http/request_framer.h"
#include "observability/metrics.h"

namespace Pistache::Tcp {
class Peer;
}

namespace switchboard::kernel::http {

using SteadyClock = std::chrono::steady_clock;

struct TransportTimeouts {
  std::chrono::milliseconds idle{60000};
  std::chrono::milliseconds header{10000};
  std::size_t body_min_rate = 1024;  // bytes per second, 0: no minimum
  std::chrono::milliseconds body_rate_window{5000};
  std::chrono::milliseconds linger{2000};  // after an error: read and drop, then close
};

// What all connections of one server share. Held by shared_ptr from every connection, so a
// response that arrives after the server stopped still finds it.
struct ConnectionContext {
  ConnectionContext(const RequestDispatcher& d, observability::Metrics& m,
                    std::shared_ptr<spdlog::logger> l, FramingLimits fl, TransportTimeouts t)
      : dispatcher(d), metrics(m), log(std::move(l)), limits(fl), timeouts(t) {}

  const RequestDispatcher& dispatcher;
  observability::Metrics& metrics;
  std::shared_ptr<spdlog::logger> log;
  FramingLimits limits;
  TransportTimeouts timeouts;
  std::atomic<bool> draining{false};
  std::atomic<std::int64_t> queued_writes{0};  // responses handed to the reactor, not yet sent
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Pistache::Tcp::Peer> peer, std::shared_ptr<ConnectionContext> context);
  ~Connection();

  // Reactor thread: bytes from the client.
  void receive(const char* data, std::size_t size);
  // Reactor thread, just before Pistache closes the fd. True when writes of ours were still
  // queued in the transport (the caller flushes them before the fd number can be reused).
  bool closed();
  // Sweeper thread: closes what timed out.
  void sweep(SteadyClock::time_point now);
  // Draining: closes the connection unless a request on it awaits its response.
  void drain();
  // Shuts the socket down (the reactor then closes it).
  void forceClose();
  // After the reactor stopped: closes an fd it never got to close.
  void closeFd();

 private:
  enum class State { Open, Lingering, Closed };

  // The connection's mutex. Writes are queued to Pistache under it (so they keep their order),
  // but their completion callbacks are attached only after it is released: Pistache resolves a
  // promise holding the promise's own lock, and runs a callback at once in `.then` when the
  // write already finished, so attaching under our mutex could deadlock or re-enter it.
  class Lock {
   public:
    explicit Lock(Connection& c) : c_(c) { lock(); }
    ~Lock() {
      if (owned_) unlock();
    }
    void lock();
    void unlock();

   private:
    Connection& c_;
    bool owned_ = false;
  };

  // A request awaits its response, or responses wait in the transport's queue: no new request
  // is framed until both are done.
  bool blockedLocked() const { return awaiting_ || queued_ > 0; }
  void process(Lock& lock, const char* data, std::size_t size);
  void dispatch(switchboard::HttpRequest request, bool keep_alive, bool head_only);
  void respond(switchboard::HttpResponse response, bool keep_alive, bool head_only);
  void writeLocked(std::string bytes);
  void queueLocked(std::string bytes);
  void queuedWriteDone();
  void failLocked(int status, const std::string& message);
  void closeAfterWritesLocked();
  void shutdownLocked(int how);
  void scheduleResumeLocked(int attempt);
  void resume(int attempt);

  std::shared_ptr<Pistache::Tcp::Peer> peer_;
  std::shared_ptr<ConnectionContext> ctx_;
  const int fd_;
  const std::string remote_;
  const std::thread::id reactor_thread_;

  std::mutex mutex_;
  struct Pending;  // a queued write whose callback is attached after unlock
  std::vector<Pending> to_attach_;
  State state_ = State::Open;
  RequestFramer framer_;
  std::string pending_;      // bytes after a request that has not been answered yet
  bool awaiting_ = false;    // a request was dispatched, its response has not come
  bool processing_ = false;  // the reactor thread is in process(): it will resume itself
  bool resume_scheduled_ = false;
  bool close_pending_ = false;  // close once the queued writes are out
  int queued_ = 0;              // writes handed to Pistache, not yet done
  std::uint64_t served_ = 0;
  SteadyClock::time_point idle_since_;
  SteadyClock::time_point head_started_{};
  SteadyClock::time_point body_window_start_{};
  std::size_t body_window_bytes_ = 0;
  SteadyClock::time_point last_write_;
  SteadyClock::time_point linger_until_{};
};

}  // namespace switchboard::kernel::http
