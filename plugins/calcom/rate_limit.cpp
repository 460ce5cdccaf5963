#include "rate_limit.h"

#include <algorithm>

namespace calcom {

std::optional<std::chrono::milliseconds> KeyRateLimit::acquire(const std::string& key,
                                                               Clock::time_point now) {
  if (per_minute_ == 0) return std::nullopt;  // no limit configured
  constexpr auto kMinute = std::chrono::minutes(1);
  std::lock_guard lock(mutex_);
  auto& sent = sent_[key];
  while (!sent.empty() && now - sent.front() >= kMinute) sent.pop_front();
  if (sent.size() < per_minute_) {
    sent.push_back(now);
    return std::nullopt;
  }
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(sent.front() + kMinute - now);
  return std::max(wait, std::chrono::milliseconds(1));
}

}  // namespace calcom
