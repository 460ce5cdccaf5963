#include "spoken.h"

#include <cstdio>

#include "availability_cache.h"
#include "switchboard/time.h"

namespace booking {

namespace {

const char* kWeekdaysDe[] = {"Sonntag",    "Montag",  "Dienstag", "Mittwoch",
                             "Donnerstag", "Freitag", "Samstag"};
const char* kWeekdaysEn[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                             "Thursday", "Friday", "Saturday"};
const char* kMonthsEn[] = {"January", "February", "March",     "April",   "May",      "June",
                           "July",    "August",   "September", "October", "November", "December"};

std::string clock(const switchboard::time::LocalTime& l, bool german) {
  return german ? l.time + " Uhr" : l.time;
}

std::string day(const Speech& s, const switchboard::time::LocalTime& l) {
  const auto today = switchboard::time::toLocal(s.now, s.zone).date;
  if (l.date == today) return s.german ? "heute" : "today";
  if (l.date == addDays(today, 1)) return s.german ? "morgen" : "tomorrow";
  const int month = std::atoi(l.date.substr(5, 2).c_str()),
            dom = std::atoi(l.date.substr(8).c_str());
  char buf[64];
  if (s.german)
    std::snprintf(buf, sizeof buf, "am %s, %d.%d.,", kWeekdaysDe[l.weekday % 7], dom, month);
  else
    std::snprintf(buf, sizeof buf, "on %s %d %s", kWeekdaysEn[l.weekday % 7], dom,
                  kMonthsEn[(month + 11) % 12]);
  return buf;
}

std::string joined(const std::vector<std::string>& items, const char* last) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? std::string(" ") + last + " " : ", ";
    out += items[i];
  }
  return out;
}

}  // namespace

std::string when(const Speech& s, switchboard::TimePoint t) {
  const auto l = switchboard::time::toLocal(t, s.zone);
  return day(s, l) + (s.german ? " um " : " at ") + clock(l, s.german);
}

std::string whenAfter(const Speech& s, switchboard::TimePoint t,
                      switchboard::TimePoint same_day_as) {
  const auto l = switchboard::time::toLocal(t, s.zone);
  if (l.date == switchboard::time::toLocal(same_day_as, s.zone).date)
    return (s.german ? "um " : "at ") + clock(l, s.german);
  return when(s, t);
}

std::string oneOf(const std::vector<std::string>& items, bool german) {
  return joined(items, german ? "oder" : "or");
}

std::string allOf(const std::vector<std::string>& items, bool german) {
  return joined(items, german ? "und" : "and");
}

}  // namespace booking
