// Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP date.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "switchboard/clock.h"

namespace switchboard::kernel::net {

// How long from `now` the upstream asked us to wait; nullopt when `value` is neither form.
// A date in the past means "now" (zero).
std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value,
                                                         switchboard::TimePoint now);

}  // namespace switchboard::kernel::net
