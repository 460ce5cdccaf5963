#include "local_words.h"

#include <array>

#include "switchboard/time.h"

namespace notifications {

LocalWords localWords(switchboard::TimePoint t, const std::string& zone,
                      const std::string& language) {
  static const std::array<const char*, 7> de_days{"Sonntag",    "Montag",  "Dienstag", "Mittwoch",
                                                  "Donnerstag", "Freitag", "Samstag"};
  static const std::array<const char*, 7> en_days{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                  "Thursday", "Friday", "Saturday"};
  static const std::array<const char*, 12> de_months{
      "Januar", "Februar", "März",      "April",   "Mai",      "Juni",
      "Juli",   "August",  "September", "Oktober", "November", "Dezember"};
  static const std::array<const char*, 12> en_months{
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  const auto local = switchboard::time::toLocal(t, zone.empty() ? "UTC" : zone);
  const bool german = language.rfind("de", 0) == 0;
  const int year = std::stoi(local.date.substr(0, 4));
  const int month = std::stoi(local.date.substr(5, 2));
  const int day = std::stoi(local.date.substr(8, 2));
  const int hour = local.minutes_of_day / 60, minute = local.minutes_of_day % 60;
  LocalWords w;
  const auto wd = static_cast<std::size_t>(local.weekday % 7);
  const auto m = static_cast<std::size_t>((month + 11) % 12);
  const std::string minutes = (minute < 10 ? "0" : "") + std::to_string(minute);
  if (german) {
    w.weekday = de_days[wd];
    w.date = std::to_string(day) + ". " + de_months[m] + " " + std::to_string(year);
    w.time = local.time;
  } else {
    w.weekday = en_days[wd];
    w.date = std::string(en_months[m]) + " " + std::to_string(day) + ", " + std::to_string(year);
    w.time = std::to_string(hour % 12 == 0 ? 12 : hour % 12) + ":" + minutes +
             (hour < 12 ? " AM" : " PM");
  }
  return w;
}

std::string timesInWords(const std::vector<switchboard::TimePoint>& times, const std::string& zone,
                         const std::string& language, std::size_t most) {
  const bool german = language.rfind("de", 0) == 0;
  std::string out;
  for (std::size_t i = 0; i < times.size() && i < most; ++i) {
    const auto w = localWords(times[i], zone, language);
    out += (i ? "; " : "") + w.weekday + ", " + w.date +
           (german ? " um " + w.time + " Uhr" : " at " + w.time);
  }
  return out;
}

}  // namespace notifications
