#include "switchboard/time.h"

#include <date/date.h>
#include <date/tz.h>

#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace switchboard::time {

using std::chrono::minutes;
using std::chrono::seconds;

std::string formatUtc(TimePoint t) {
  return date::format("%FT%TZ", date::floor<seconds>(t));
}

std::optional<TimePoint> parseUtc(std::string_view text) {
  const std::string s(text);
  std::istringstream in(s);
  date::sys_time<std::chrono::milliseconds> tp;
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) {
    in >> date::parse("%FT%T", tp);
    // date::parse leaves the 'Z' unread after %T; anything else there is malformed.
    if (in.fail() || in.get() != s.back() || in.peek() != EOF) return std::nullopt;
    return TimePoint(std::chrono::duration_cast<TimePoint::duration>(tp.time_since_epoch()));
  }
  in >> date::parse("%FT%T%Ez", tp);  // %Ez: +01:00
  if (in.fail() || in.peek() != EOF) return std::nullopt;
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(tp.time_since_epoch()));
}

bool validZone(const std::string& zone) {
  try {
    date::locate_zone(zone);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

namespace {

const date::time_zone* zoneOrThrow(const std::string& zone) {
  try {
    return date::locate_zone(zone);
  } catch (const std::exception&) {
    throw std::invalid_argument("'" + zone + "' is not an IANA time zone");
  }
}

}  // namespace

LocalTime toLocal(TimePoint t, const std::string& zone) {
  const auto local = zoneOrThrow(zone)->to_local(date::floor<seconds>(t));
  const auto day = date::floor<date::days>(local);
  const auto since_midnight = date::floor<minutes>(local - day);
  // snprintf, not date::format: the stream it builds per call was most of this function's
  // cost (6.5 µs), and the booking finder converts every free slot.
  const date::year_month_day ymd(day);
  const int minute = static_cast<int>(since_midnight.count());
  char date_text[16], time_text[16];
  std::snprintf(date_text, sizeof date_text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  std::snprintf(time_text, sizeof time_text, "%02d:%02d", minute / 60, minute % 60);
  LocalTime out;
  out.date = date_text;
  out.time = time_text;
  out.weekday = static_cast<int>(date::weekday(day).c_encoding());
  out.minutes_of_day = static_cast<int>(since_midnight.count());
  return out;
}

std::optional<TimePoint> fromLocal(std::string_view date_text, std::string_view time_text,
                                   const std::string& zone) {
  const auto* tz = zoneOrThrow(zone);
  std::istringstream in(std::string(date_text) + "T" + std::string(time_text));
  date::local_time<minutes> local;
  in >> date::parse("%FT%H:%M", local);
  if (in.fail() || in.peek() != EOF) return std::nullopt;
  // The offset in force before any transition at that moment: for an ambiguous time that is
  // the earlier of the two moments, for one in the gap it is the clock as if it had jumped.
  const auto info = tz->get_info(local);
  const date::sys_time<minutes> utc(local.time_since_epoch() -
                                    date::floor<minutes>(info.first.offset));
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(utc.time_since_epoch()));
}

}  // namespace switchboard::time
