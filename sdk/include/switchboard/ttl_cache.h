// A value loaded from somewhere slow (the store, the catalog) and kept for a time, shared by
// threads. The load runs without the cache's lock held: a loader that waits for a pooled
// connection while holding the lock would block every thread that asks next, among them
// threads that hold a pooled connection in a transaction and will not give it back until the
// cache answers (on PostgreSQL with as many inbox workers as connections, the server stopped).
// While one caller reloads a stale value the others get the stale one; before the first load
// each caller loads for itself.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

namespace switchboard {

template <class T>
class TtlCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit TtlCache(Clock::duration ttl) : ttl_(ttl) {}

  // `load`: () -> std::shared_ptr<const T>, called only when the value is missing or stale.
  template <class Load>
  std::shared_ptr<const T> get(Load&& load) {
    const auto now = Clock::now();
    {
      std::lock_guard lock(mutex_);
      if (value_ && (now - loaded_ < ttl_ || loading_)) return value_;
      loading_ = true;
    }
    std::shared_ptr<const T> fresh;
    try {
      fresh = load();
    } catch (...) {
      std::lock_guard lock(mutex_);
      loading_ = false;
      throw;
    }
    std::lock_guard lock(mutex_);
    loading_ = false;
    if (!value_ || loaded_ < now) {  // a newer load meanwhile stays
      value_ = fresh;
      loaded_ = now;
    }
    return fresh;
  }

 private:
  Clock::duration ttl_;
  std::mutex mutex_;
  std::shared_ptr<const T> value_;
  Clock::time_point loaded_{};
  bool loading_ = false;
};

}  // namespace switchboard
