#include "net/retry_after.h"

#include <charconv>
#include <ctime>
#include <string>

namespace switchboard::kernel::net {

std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value,
                                                         switchboard::TimePoint now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (value.front() >= '0' && value.front() <= '9') {
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
    if (seconds > 365LL * 24 * 3600) seconds = 365LL * 24 * 3600;  // absurd values are capped
    return std::chrono::seconds(seconds);
  }
  // IMF-fixdate, the form senders must use: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  if (at <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
}

}  // namespace switchboard::kernel::net
