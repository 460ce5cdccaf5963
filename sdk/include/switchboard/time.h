// Time at the edges: UTC in storage and events (ISO 8601 with "Z"), IANA zones where people
// are (a branch's opening hours, the date a caller means by "tomorrow"). Howard Hinnant's
// date/tz underneath.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "switchboard/clock.h"

namespace switchboard::time {

// "2026-11-28T09:30:00Z" (whole seconds).
std::string formatUtc(TimePoint t);
// The years a time may have, in text read or in a local date (kFirstYear..kLastYear): outside
// them a date is a mistake or an attack, and past 2262 it overflows a TimePoint.
constexpr int kFirstYear = 1970;
constexpr int kLastYear = 2100;

// ISO 8601 / RFC 3339 with a zone designator: "...Z", "...+01:00", fractional seconds allowed.
// nullopt for anything else (a time without a zone is ambiguous: refuse it), for a year outside
// kFirstYear..kLastYear and for an offset beyond ±14:00.
std::optional<TimePoint> parseUtc(std::string_view text);

// A wall-clock moment in a zone.
struct LocalTime {
  std::string date;  // "2026-11-28"
  std::string time;  // "09:30"
  int weekday = 0;   // 0 = Sunday ... 6 = Saturday
  int minutes_of_day = 0;
};

bool validZone(const std::string& zone);
// Throws std::invalid_argument for an unknown zone.
LocalTime toLocal(TimePoint t, const std::string& zone);
// The UTC moment of `date` ("YYYY-MM-DD") at `time` ("HH:MM") in `zone`. A time that does not
// exist (the spring-forward gap) moves forward by the gap; an ambiguous one (autumn) takes the
// earlier. nullopt for a malformed date or time or a year outside kFirstYear..kLastYear;
// throws for an unknown zone.
std::optional<TimePoint> fromLocal(std::string_view date, std::string_view time,
                                   const std::string& zone);

}  // namespace switchboard::time
