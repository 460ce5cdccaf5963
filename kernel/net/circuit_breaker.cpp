#include "net/circuit_breaker.h"

#include <algorithm>

#include "observability/metrics.h"

namespace switchboard::kernel::net {

const char* toString(BreakerState state) {
  switch (state) {
    case BreakerState::Closed:
      return "closed";
    case BreakerState::Open:
      return "open";
    case BreakerState::HalfOpen:
      return "half_open";
  }
  return "?";
}

bool CircuitBreaker::allow(switchboard::TimePoint now) {
  std::lock_guard lock(mutex_);
  switch (state_) {
    case BreakerState::Closed:
      return true;
    case BreakerState::Open:
      if (now < opened_at_ + settings_.cooldown) return false;
      state_ = BreakerState::HalfOpen;
      probe_in_flight_ = true;
      return true;
    case BreakerState::HalfOpen:
      if (probe_in_flight_) return false;
      probe_in_flight_ = true;
      return true;
  }
  return false;
}

std::chrono::milliseconds CircuitBreaker::waitLeft(switchboard::TimePoint now) const {
  std::lock_guard lock(mutex_);
  if (state_ == BreakerState::Closed) return std::chrono::milliseconds(0);
  if (state_ == BreakerState::HalfOpen) return settings_.cooldown;
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(opened_at_ + settings_.cooldown - now);
  return std::max(left, std::chrono::milliseconds(1));
}

std::optional<BreakerState> CircuitBreaker::succeeded() {
  std::lock_guard lock(mutex_);
  failures_ = 0;
  probe_in_flight_ = false;
  if (state_ == BreakerState::Closed) return std::nullopt;
  state_ = BreakerState::Closed;
  return state_;
}

std::optional<BreakerState> CircuitBreaker::failed(switchboard::TimePoint now) {
  std::lock_guard lock(mutex_);
  ++failures_;
  probe_in_flight_ = false;
  const bool open = state_ == BreakerState::HalfOpen ||
                    (state_ == BreakerState::Closed && failures_ >= settings_.failures);
  if (!open) return std::nullopt;
  state_ = BreakerState::Open;
  opened_at_ = now;
  return state_;
}

BreakerState CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

int CircuitBreaker::consecutiveFailures() const {
  std::lock_guard lock(mutex_);
  return failures_;
}

switchboard::TimePoint CircuitBreaker::openedAt() const {
  std::lock_guard lock(mutex_);
  return opened_at_;
}

CircuitBreaker& BreakerBoard::get(const BreakerKey& key, BreakerSettings settings) {
  std::lock_guard lock(mutex_);
  auto& slot = breakers_[key];
  if (!slot) slot = std::make_unique<CircuitBreaker>(settings);
  return *slot;
}

std::vector<BreakerBoard::Entry> BreakerBoard::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<Entry> out;
  for (const auto& [key, breaker] : breakers_)
    out.push_back({key, breaker->state(), breaker->consecutiveFailures(), breaker->openedAt()});
  return out;
}

std::string renderBreakerMetrics(const BreakerBoard& board) {
  std::string out =
      "# HELP switchboard_upstream_breaker_state Circuit breaker per plugin, upstream and tenant: "
      "0 closed, 1 half-open, 2 open.\n# TYPE switchboard_upstream_breaker_state gauge\n";
  for (const auto& e : board.snapshot()) {
    const int value = e.state == BreakerState::Closed     ? 0
                      : e.state == BreakerState::HalfOpen ? 1
                                                          : 2;
    out += "switchboard_upstream_breaker_state{plugin=\"" +
           observability::labelValue(e.key.plugin) + "\",upstream=\"" +
           observability::labelValue(e.key.upstream) + "\",tenant=\"" +
           observability::labelValue(e.key.tenant) + "\"} " + std::to_string(value) + "\n";
  }
  return out;
}

}  // namespace switchboard::kernel::net
