// Quiet hours: a local time window ("21:00-08:00", may cross midnight) in which no customer is
// texted. An SMS due inside it waits for its end; it is never dropped.
#pragma once

#include <optional>
#include <string>

#include "switchboard/clock.h"

namespace notifications {

struct QuietHours {
  int from_minute = 0, to_minute = 0;  // after local midnight; equal: none
  // "21:00-08:00"; nullopt when malformed. An empty text is "none".
  static std::optional<QuietHours> parse(const std::string& text);
  // When the quiet ends, if `now` lies inside it in `zone`; nullopt when it may go now.
  std::optional<switchboard::TimePoint> until(switchboard::TimePoint now,
                                              const std::string& zone) const;
};

}  // namespace notifications
