// When to try a failed attempt again (inbox items, outbound calls): exponential backoff with full
// jitter (AWS architecture blog, "Exponential Backoff And Jitter"): a uniform delay in [0, min(cap,
// base * 2^(n-1))].
#pragma once

#include <chrono>
#include <optional>

namespace switchboard::kernel::util {

struct RetryPolicy {
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds cap{600000};
  int max_attempts = 8;
};

// The ceiling of the jittered delay after attempt `attempt` (1-based) failed.
std::chrono::milliseconds backoffCeiling(const RetryPolicy& policy, int attempt);

// `unit` is a uniform draw from [0, 1). nullopt: no attempts left, the item is dead.
std::optional<std::chrono::milliseconds> retryDelay(const RetryPolicy& policy, int attempt,
                                                    double unit);

}  // namespace switchboard::kernel::util
