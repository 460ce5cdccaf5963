// The alternative finder (the old system's ADR-006, better): when the requested time is taken,
// rank the free slots of the whole search window, fetched in one request:
//   1. the same day, the nearest time (a later one first when two are as near);
//   2. the next day at the same time;
//   3. the next day at other times;
//   4. the following days up to the horizon;
// within 3 and 4 the caller's part of the day (morning < 12:00 <= afternoon < 17:00 <= evening)
// first, then the nearest time; the preferred staff member breaks the remaining ties. Only
// slots that fit the branch's working hours, start after `now` and lie within the horizon.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "switchboard/contracts/calendar.h"
#include "switchboard/domain/company.h"

namespace booking {

struct FinderInput {
  switchboard::TimePoint requested{};  // UTC
  std::string time_zone;               // the branch's
  int duration_minutes = 0;
  std::vector<switchboard::domain::WorkingHour> hours;  // the branch's; empty: no limits known
  int horizon_days = 3;
  switchboard::TimePoint now{};
  std::string staff;  // preferred, may be empty
  std::size_t top = 3;
};

struct Alternative {
  switchboard::TimePoint start{};
  std::string staff;
  int rank = 0;        // 1..4 as above
  std::string reason;  // "same day, nearest time", ...
};

// True when a free slot starts exactly at the requested time (and fits the working hours).
bool requestedIsFree(const std::vector<switchboard::contracts::Slot>& free, const FinderInput& in);
// The best `top` alternatives, best first.
std::vector<Alternative> rankAlternatives(const std::vector<switchboard::contracts::Slot>& free,
                                          const FinderInput& in);
// Whether [start, start + minutes) lies inside one of the branch's working intervals.
bool withinHours(switchboard::TimePoint start, int minutes, const FinderInput& in);

}  // namespace booking
