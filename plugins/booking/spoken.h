// Times and lists as an agent says them on the phone, in German or English: "heute um
// 15:30 Uhr", "am Freitag, 28.11., um 10:00 Uhr", "today at 15:30", "on Friday 28 November at
// 10:00"; "a, b oder c". The tool functions' answers are built from these.
#pragma once

#include <string>
#include <vector>

#include "switchboard/clock.h"

namespace booking {

struct Speech {
  bool german = true;
  std::string zone;  // the branch's
  switchboard::TimePoint now{};
};

// The time with its day relative to today ("heute", "morgen", else the weekday and date).
std::string when(const Speech& s, switchboard::TimePoint t);
// The time alone when it falls on `same_day_as`'s local day, else as when().
std::string whenAfter(const Speech& s, switchboard::TimePoint t,
                      switchboard::TimePoint same_day_as);
// "a", "a oder b", "a, b oder c" ("or" in English).
std::string oneOf(const std::vector<std::string>& items, bool german);
// "a", "a und b", "a, b und c".
std::string allOf(const std::vector<std::string>& items, bool german);

}  // namespace booking
