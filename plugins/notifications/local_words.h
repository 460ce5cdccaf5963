// Dates and times as a customer reads them in a text, in the branch's zone: German
// "Freitag", "4. Dezember 2026", "14:30"; English "Friday", "December 4, 2026", "2:30 PM".
#pragma once

#include <string>
#include <vector>

#include "switchboard/clock.h"

namespace notifications {

struct LocalWords {
  std::string weekday, date, time;
};

// `language` "de…" reads German, anything else English. Throws for an unknown zone.
LocalWords localWords(switchboard::TimePoint t, const std::string& zone,
                      const std::string& language);

// Times to choose from, in one line: "Mittwoch, 9. Dezember 2026 um 14:30 Uhr; ..." /
// "Wednesday, December 9, 2026 at 2:30 PM; ...". The first `most` of them.
std::string timesInWords(const std::vector<switchboard::TimePoint>& times, const std::string& zone,
                         const std::string& language, std::size_t most);

}  // namespace notifications
