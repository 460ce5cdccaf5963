#include "http/connection.h"

#include <pistache/async.h>
#include <pistache/peer.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "http/response_encoder.h"

namespace switchboard::kernel::http {

using switchboard::HttpRequest;
using switchboard::HttpResponse;

struct Connection::Pending {
  Pistache::Async::Promise<ssize_t> promise;
  int resume_attempt;  // < 0: a response's bytes; else: a hop back to the reactor thread
};

namespace {
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// A hop to the reactor thread is attempted this often before the bytes are parsed where we are.
constexpr int kResumeAttempts = 8;
}  // namespace

void Connection::Lock::lock() {
  c_.mutex_.lock();
  owned_ = true;
}

void Connection::Lock::unlock() {
  std::vector<Pending> attach = std::move(c_.to_attach_);
  c_.to_attach_.clear();
  c_.mutex_.unlock();
  owned_ = false;
  for (auto& p : attach) {
    auto self = c_.shared_from_this();
    if (p.resume_attempt < 0)
      p.promise.then([self](ssize_t) { self->queuedWriteDone(); },
                     [self](std::exception_ptr&) { self->queuedWriteDone(); });
    else
      p.promise.then([self, n = p.resume_attempt](ssize_t) { self->resume(n); },
                     [self](std::exception_ptr&) { self->queuedWriteDone(); });
  }
}

Connection::Connection(std::shared_ptr<Pistache::Tcp::Peer> peer,
                       std::shared_ptr<ConnectionContext> context)
    : peer_(std::move(peer)),
      ctx_(std::move(context)),
      fd_(peer_->fd()),
      remote_(peer_->address().host()),
      reactor_thread_(std::this_thread::get_id()),
      framer_(ctx_->limits),
      idle_since_(SteadyClock::now()),
      last_write_(idle_since_) {}

Connection::~Connection() = default;

void Connection::receive(const char* data, std::size_t size) {
  Lock lock(*this);
  if (state_ != State::Open || close_pending_) return;  // closing: input is read and dropped
  if (blockedLocked() || !pending_.empty()) {
    // Pipelined bytes wait for the response before them to be answered and written (a client
    // that does not read its responses gets no more of them made); at most about one more
    // request's worth, then the connection is closed.
    const auto limit = ctx_->limits.max_header_bytes + ctx_->limits.max_body_bytes + 65536;
    if (pending_.size() + size > limit) {
      ctx_->metrics.requests_rejected.fetch_add(1);
      shutdownLocked(SHUT_RDWR);
      return;
    }
    pending_.append(data, size);
    if (blockedLocked()) return;
    std::string input = std::move(pending_);
    pending_.clear();
    process(lock, input.data(), input.size());
    return;
  }
  process(lock, data, size);
}

void Connection::process(Lock& lock, const char* data, std::size_t size) {
  processing_ = true;
  std::string owned;  // bytes taken back from pending_ after an inline response
  while (size > 0 && state_ == State::Open && !close_pending_) {
    const auto step = framer_.feed(data, size);
    data += step.consumed;
    size -= step.consumed;
    const auto now = SteadyClock::now();
    const auto phase = framer_.phase();
    if (phase != RequestFramer::Phase::Idle && head_started_ == SteadyClock::time_point{})
      head_started_ = now;
    if (phase == RequestFramer::Phase::Body && body_window_start_ == SteadyClock::time_point{}) {
      body_window_start_ = now;
      body_window_bytes_ = framer_.bodyBytes();
    }
    if (framer_.takeContinue()) writeLocked(std::string(kContinue));
    if (step.event == RequestFramer::Event::NeedMore) break;
    if (step.event == RequestFramer::Event::Error) {
      ctx_->metrics.requests_rejected.fetch_add(1);
      failLocked(framer_.error().status, framer_.error().message);
      break;
    }
    HttpRequest request = framer_.takeRequest();
    request.remote_address = remote_;
    const bool keep_alive = framer_.keepAlive();
    const bool head_only = framer_.headOnly();
    awaiting_ = true;
    head_started_ = body_window_start_ = {};
    if (size > 0) pending_.assign(data, size);
    size = 0;
    ctx_->metrics.in_flight.fetch_add(1);
    lock.unlock();
    dispatch(std::move(request), keep_alive, head_only);
    lock.lock();
    // Answered inline (the usual case): go on with what the client pipelined behind it.
    if (blockedLocked() || pending_.empty()) break;
    owned = std::move(pending_);
    pending_.clear();
    data = owned.data();
    size = owned.size();
  }
  processing_ = false;
}

void Connection::dispatch(HttpRequest request, bool keep_alive, bool head_only) {
  auto self = shared_from_this();
  ctx_->dispatcher.dispatch(request, [self, keep_alive, head_only](HttpResponse response) {
    self->respond(std::move(response), keep_alive, head_only);
  });
}

void Connection::respond(HttpResponse response, bool keep_alive, bool head_only) {
  Lock lock(*this);
  if (state_ == State::Closed) {
    ctx_->metrics.in_flight.fetch_sub(1);
    return;
  }
  const bool keep = keep_alive && state_ == State::Open && !close_pending_ && !ctx_->draining;
  writeLocked(encodeResponse(response, keep, head_only));
  ctx_->metrics.in_flight.fetch_sub(1);
  awaiting_ = false;
  ++served_;
  idle_since_ = SteadyClock::now();
  if (!keep) {
    pending_.clear();
    closeAfterWritesLocked();
    return;
  }
  // Pipelined bytes are parsed on the reactor thread: by process() when it is still running,
  // else through a hop (an empty write, whose completion runs there).
  if (!pending_.empty() && !processing_) scheduleResumeLocked(0);
}

void Connection::writeLocked(std::string bytes) {
  if (state_ == State::Closed) return;
  if (queued_ == 0) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n == static_cast<ssize_t>(bytes.size())) {
      last_write_ = SteadyClock::now();
      return;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      shutdownLocked(SHUT_RDWR);  // the client is gone; the reactor will see it
      return;
    }
    if (n > 0) bytes.erase(0, static_cast<std::size_t>(n));
  }
  queueLocked(std::move(bytes));
}

void Connection::queueLocked(std::string bytes) {
  const auto size = bytes.size();
  try {
    auto promise = peer_->send(Pistache::RawBuffer(std::move(bytes), size));
    ++queued_;
    ctx_->queued_writes.fetch_add(1);
    last_write_ = SteadyClock::now();
    to_attach_.push_back({std::move(promise), -1});
  } catch (const std::exception&) {
    shutdownLocked(SHUT_RDWR);
  }
}

void Connection::queuedWriteDone() {
  Lock lock(*this);
  if (state_ == State::Closed) return;
  --queued_;
  ctx_->queued_writes.fetch_sub(1);
  last_write_ = SteadyClock::now();
  if (queued_ > 0 || state_ != State::Open) return;
  if (close_pending_) {
    closeAfterWritesLocked();
    return;
  }
  // The socket took everything: go on with what the client pipelined meanwhile.
  if (!awaiting_ && !pending_.empty() && !processing_) {
    if (std::this_thread::get_id() == reactor_thread_) {
      std::string input = std::move(pending_);
      pending_.clear();
      process(lock, input.data(), input.size());
    } else {
      scheduleResumeLocked(0);
    }
  }
}

void Connection::scheduleResumeLocked(int attempt) {
  if (resume_scheduled_ && attempt == 0) return;
  resume_scheduled_ = true;
  try {
    auto promise = peer_->send(Pistache::RawBuffer(std::string(), 0));
    ++queued_;
    ctx_->queued_writes.fetch_add(1);
    to_attach_.push_back({std::move(promise), attempt});
  } catch (const std::exception&) {
    shutdownLocked(SHUT_RDWR);
  }
}

void Connection::resume(int attempt) {
  Lock lock(*this);
  if (state_ == State::Closed) return;
  --queued_;
  ctx_->queued_writes.fetch_sub(1);
  resume_scheduled_ = false;
  if (queued_ == 0 && close_pending_) {
    closeAfterWritesLocked();
    return;
  }
  if (blockedLocked() || pending_.empty() || state_ != State::Open || close_pending_) return;
  // The write finished before its callback was attached, so this runs where it was attached.
  if (std::this_thread::get_id() != reactor_thread_ && attempt + 1 < kResumeAttempts) {
    scheduleResumeLocked(attempt + 1);
    return;
  }
  std::string input = std::move(pending_);
  pending_.clear();
  process(lock, input.data(), input.size());
}

void Connection::failLocked(int status, const std::string& message) {
  ctx_->log->debug("connection from {}: {} {}", remote_, status, message);
  pending_.clear();
  writeLocked(encodeTransportError(status, message));
  closeAfterWritesLocked();
}

// Lingering close (RFC 9112 §9.6): stop sending, keep reading (and dropping) for a moment, so
// the client reads the response instead of a reset caused by the bytes it still had in flight.
void Connection::closeAfterWritesLocked() {
  close_pending_ = true;
  if (queued_ > 0 || state_ != State::Open) return;
  shutdownLocked(SHUT_WR);
  state_ = State::Lingering;
  linger_until_ = SteadyClock::now() + ctx_->timeouts.linger;
}

void Connection::shutdownLocked(int how) {
  if (state_ != State::Closed) ::shutdown(fd_, how);
}

bool Connection::closed() {
  Lock lock(*this);
  if (state_ == State::Closed) return false;
  state_ = State::Closed;
  const bool had_queued = queued_ > 0;
  ctx_->queued_writes.fetch_sub(queued_);
  queued_ = 0;
  pending_.clear();
  return had_queued;
}

void Connection::sweep(SteadyClock::time_point now) {
  Lock lock(*this);
  const auto& t = ctx_->timeouts;
  switch (state_) {
    case State::Closed:
      return;
    case State::Lingering:
      if (now >= linger_until_) shutdownLocked(SHUT_RDWR);
      return;
    case State::Open:
      break;
  }
  if (queued_ > 0) {  // a client that does not read its responses
    if (now - last_write_ >= t.idle) shutdownLocked(SHUT_RDWR);
    return;
  }
  if (awaiting_ || close_pending_) return;
  switch (framer_.phase()) {
    case RequestFramer::Phase::Idle:
      // Before its first request a connection gets the header timeout, after it the idle one.
      if (now - idle_since_ >= (served_ > 0 ? t.idle : t.header)) {
        ctx_->metrics.connections_idle_closed.fetch_add(1);
        shutdownLocked(SHUT_RDWR);
      }
      return;
    case RequestFramer::Phase::Head:
      if (head_started_ != SteadyClock::time_point{} && now - head_started_ >= t.header) {
        ctx_->metrics.requests_header_timeout.fetch_add(1);
        failLocked(
            408, "request headers not complete within " + std::to_string(t.header.count()) + " ms");
      }
      return;
    case RequestFramer::Phase::Body: {
      if (t.body_min_rate == 0 || body_window_start_ == SteadyClock::time_point{}) return;
      const auto elapsed = now - body_window_start_;
      if (elapsed < t.body_rate_window) return;
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
      const auto wanted = t.body_min_rate * static_cast<std::size_t>(ms) / 1000;
      if (framer_.bodyBytes() - body_window_bytes_ < wanted) {
        ctx_->metrics.requests_body_timeout.fetch_add(1);
        failLocked(408, "request body arrived slower than " + std::to_string(t.body_min_rate) +
                            " bytes/s");
        return;
      }
      body_window_start_ = now;
      body_window_bytes_ = framer_.bodyBytes();
      return;
    }
  }
}

void Connection::drain() {
  Lock lock(*this);
  if (state_ == State::Open && !awaiting_ && queued_ == 0) shutdownLocked(SHUT_RDWR);
}

void Connection::forceClose() {
  Lock lock(*this);
  shutdownLocked(SHUT_RDWR);
}

void Connection::closeFd() {
  Lock lock(*this);
  if (state_ == State::Closed) return;
  state_ = State::Closed;
  ctx_->queued_writes.fetch_sub(queued_);
  queued_ = 0;
  ::close(fd_);
}

}  // namespace switchboard::kernel::http
