// Circuit breakers for outbound calls, one per (plugin, upstream, tenant): after `failures`
// consecutive failures (no answer, or a 5xx) calls are refused at once for `cooldown`; then one
// probe goes through (half-open): its success closes the breaker, its failure opens it again.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "switchboard/clock.h"

namespace switchboard::kernel::net {

enum class BreakerState { Closed, Open, HalfOpen };
const char* toString(BreakerState state);

struct BreakerSettings {
  int failures = 5;
  std::chrono::milliseconds cooldown{30000};
};

struct BreakerKey {
  std::string plugin, upstream, tenant;
  bool operator<(const BreakerKey& o) const {
    return std::tie(plugin, upstream, tenant) < std::tie(o.plugin, o.upstream, o.tenant);
  }
};

class CircuitBreaker {
 public:
  explicit CircuitBreaker(BreakerSettings settings) : settings_(settings) {}

  // Whether a call may go now. Open past its cool-down: the caller becomes the one probe.
  bool allow(switchboard::TimePoint now);
  // Report the allowed call's outcome. Return the new state when it changed.
  std::optional<BreakerState> succeeded();
  std::optional<BreakerState> failed(switchboard::TimePoint now);

  BreakerState state() const;
  int consecutiveFailures() const;
  switchboard::TimePoint openedAt() const;
  std::chrono::milliseconds cooldown() const { return settings_.cooldown; }
  // A refused caller's wait before a call could go: the rest of the cool-down, or (while a
  // probe is out) a whole one, since a failed probe opens the breaker again.
  std::chrono::milliseconds waitLeft(switchboard::TimePoint now) const;

 private:
  mutable std::mutex mutex_;
  BreakerSettings settings_;
  BreakerState state_ = BreakerState::Closed;
  int failures_ = 0;
  bool probe_in_flight_ = false;
  switchboard::TimePoint opened_at_{};
};

// Every breaker of the process, for the clients that use them and the health and metrics
// reports that show them.
class BreakerBoard {
 public:
  // The same key always yields the same breaker (created with `settings` the first time).
  CircuitBreaker& get(const BreakerKey& key, BreakerSettings settings);

  struct Entry {
    BreakerKey key;
    BreakerState state;
    int consecutive_failures;
    switchboard::TimePoint opened_at;
  };
  std::vector<Entry> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::map<BreakerKey, std::unique_ptr<CircuitBreaker>> breakers_;
};

// switchboard_upstream_breaker_state{plugin,upstream,tenant}: 0 closed, 1 half-open, 2 open.
std::string renderBreakerMetrics(const BreakerBoard& board);

}  // namespace switchboard::kernel::net
