#include "util/backoff.h"

#include <algorithm>

namespace switchboard::kernel::util {

std::chrono::milliseconds backoffCeiling(const RetryPolicy& policy, int attempt) {
  const int doublings = std::clamp(attempt - 1, 0, 40);
  const double ceiling =
      static_cast<double>(policy.base.count()) * static_cast<double>(1ULL << doublings);
  return std::chrono::milliseconds(
      static_cast<long long>(std::min(ceiling, static_cast<double>(policy.cap.count()))));
}

std::optional<std::chrono::milliseconds> retryDelay(const RetryPolicy& policy, int attempt,
                                                    double unit) {
  if (attempt >= policy.max_attempts) return std::nullopt;
  const auto ceiling = backoffCeiling(policy, attempt);
  return std::chrono::milliseconds(
      static_cast<long long>(unit * static_cast<double>(ceiling.count())));
}

}  // namespace switchboard::kernel::util
