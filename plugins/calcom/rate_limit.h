// Cal.com allows 120 requests a minute per API key (PROVIDERS.md) and answers 429 beyond.
// Counting our own requests per key over a sliding minute lets a burst (a busy Monday
// morning) wait in the job queue instead of spending the key's minute on refusals: a request
// over the limit is not sent, and the caller is told how long to wait.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace calcom {

class KeyRateLimit {
 public:
  using Clock = std::chrono::steady_clock;
  explicit KeyRateLimit(std::size_t per_minute) : per_minute_(per_minute) {}

  // nullopt: go ahead (counted); else how long until the key has room again (not counted).
  std::optional<std::chrono::milliseconds> acquire(const std::string& key, Clock::time_point now);

 private:
  std::size_t per_minute_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> sent_;  // per key, last minute
};

}  // namespace calcom
