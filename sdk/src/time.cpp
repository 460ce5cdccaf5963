#include "switchboard/time.h"

#include <date/date.h>
#include <date/tz.h>

#include <stdexcept>

namespace switchboard::time {

using std::chrono::minutes;
using std::chrono::seconds;

namespace {
// Times are written and read once or twice per webhook (every event carries them): the calendar
// arithmetic is date's, the digits are ours. date::format and date::parse build an iostream
// per call, which was 3.7% of the inbox workers' time.

// `v` as `count` digits, zero-padded, from `at` in `out`.
void putDigits(std::string& out, std::size_t at, std::size_t count, long long v) {
  for (std::size_t i = at + count; i-- > at; v /= 10) out[i] = static_cast<char>('0' + v % 10);
}

std::string isoDate(const date::year_month_day& ymd) {
  std::string out = "0000-00-00";
  putDigits(out, 0, 4, static_cast<int>(ymd.year()));
  putDigits(out, 5, 2, static_cast<unsigned>(ymd.month()));
  putDigits(out, 8, 2, static_cast<unsigned>(ymd.day()));
  return out;
}
}  // namespace

// A TimePoint spans 1677..2262: the year always has four digits.
std::string formatUtc(TimePoint t) {
  const auto secs = date::floor<seconds>(t);
  const auto day = date::floor<date::days>(secs);
  const date::hh_mm_ss hms(secs - day);
  std::string out = isoDate(date::year_month_day(day)) + "T00:00:00Z";
  putDigits(out, 11, 2, hms.hours().count());
  putDigits(out, 14, 2, hms.minutes().count());
  putDigits(out, 17, 2, hms.seconds().count());
  return out;
}

namespace {
// Every text is read by hand: the forms are few and fixed, and date::parse, given malformed
// text from outside ("14:0'0"), converted an unset value to an integer (UBSan: "-nan is outside
// the range of representable values"; found by the provider fuzz target).

// `count` digits at `at` as a number; -1 when one is not a digit or the text ends.
int digitsAt(std::string_view s, std::size_t at, std::size_t count) {
  if (at + count > s.size()) return -1;
  int v = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// 1 or 2 digits at `at`: the number, and `at` moved past them; -1 for none.
int oneOrTwoDigits(std::string_view s, std::size_t& at) {
  const int two = digitsAt(s, at, 2);
  if (two >= 0) return at += 2, two;
  const int one = digitsAt(s, at, 1);
  if (one >= 0) ++at;
  return one;
}

bool yearInRange(int y) {
  return y >= kFirstYear && y <= kLastYear;
}

std::optional<date::sys_days> dayOf(int y, int m, int d) {
  if (!yearInRange(y) || m < 1 || d < 1) return std::nullopt;
  const date::year_month_day ymd{date::year(y), date::month(static_cast<unsigned>(m)),
                                 date::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days(ymd);
}

// "YYYY-MM-DD" exactly.
std::optional<date::sys_days> isoDay(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  return dayOf(digitsAt(s, 0, 4), digitsAt(s, 5, 2), digitsAt(s, 8, 2));
}

// "HH:MM" or "HH:MM:SS", as seconds since midnight.
std::optional<seconds> clockTime(std::string_view s) {
  if ((s.size() != 5 && s.size() != 8) || s[2] != ':' || (s.size() == 8 && s[5] != ':'))
    return std::nullopt;
  const int h = digitsAt(s, 0, 2), m = digitsAt(s, 3, 2),
            sec = s.size() == 8 ? digitsAt(s, 6, 2) : 0;
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) return std::nullopt;
  return std::chrono::hours(h) + minutes(m) + seconds(sec);
}

// RFC 3339: "YYYY-MM-DDTHH:MM:SS", optional fraction (read to the millisecond), then "Z" or
// an offset "+HH:MM" / "+HHMM" of at most 14 hours.
std::optional<TimePoint> parseRfc3339(std::string_view s) {
  if (s.size() < 20 || s[10] != 'T') return std::nullopt;
  const auto day = isoDay(s.substr(0, 10));
  const auto time = clockTime(s.substr(11, 8));
  if (!day || !time) return std::nullopt;
  std::size_t at = 19;
  std::chrono::milliseconds fraction{0};
  if (s[at] == '.') {
    std::size_t digits = 0;
    for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, ++digits)
      if (digits < 3) fraction = fraction * 10 + std::chrono::milliseconds(s[at] - '0');
    if (digits == 0 || digits > 9) return std::nullopt;
    for (; digits < 3; ++digits) fraction *= 10;
  }
  const auto zone = s.substr(at);
  minutes offset{0};
  if (zone != "Z" && zone != "z") {
    if ((zone.size() != 6 && zone.size() != 5) || (zone[0] != '+' && zone[0] != '-') ||
        (zone.size() == 6 && zone[3] != ':'))
      return std::nullopt;
    const int h = digitsAt(zone, 1, 2), m = digitsAt(zone, zone.size() == 6 ? 4 : 3, 2);
    if (h < 0 || m < 0 || m > 59 || h * 60 + m > 14 * 60) return std::nullopt;
    offset = minutes(h * 60 + m) * (zone[0] == '-' ? -1 : 1);
  }
  return TimePoint(*day) + *time + fraction - offset;
}
}  // namespace

std::optional<TimePoint> parseUtc(std::string_view text) {
  return parseRfc3339(text);
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
  LocalTime out;
  out.date = isoDate(date::year_month_day(day));
  out.time = "00:00";
  putDigits(out.time, 0, 2, since_midnight.count() / 60);
  putDigits(out.time, 3, 2, since_midnight.count() % 60);
  out.weekday = static_cast<int>(date::weekday(day).c_encoding());
  out.minutes_of_day = static_cast<int>(since_midnight.count());
  return out;
}

std::optional<TimePoint> fromLocal(std::string_view date_text, std::string_view time_text,
                                   const std::string& zone) {
  const auto* tz = zoneOrThrow(zone);
  // "YYYY-M-D" and "H:MM", each part with or without its leading zero, as agents write them.
  std::size_t at = 5;
  const int y = digitsAt(date_text, 0, 4);
  int m = -1, d = -1;
  if (date_text.size() > 4 && date_text[4] == '-') m = oneOrTwoDigits(date_text, at);
  if (m >= 0 && at < date_text.size() && date_text[at] == '-') d = oneOrTwoDigits(date_text, ++at);
  const auto day = at == date_text.size() ? dayOf(y, m, d) : std::nullopt;
  std::size_t t = 0;
  const int h = oneOrTwoDigits(time_text, t);
  const int min = t < time_text.size() && time_text[t] == ':' ? digitsAt(time_text, t + 1, 2) : -1;
  if (!day || h < 0 || h > 23 || min < 0 || min > 59 || t + 3 != time_text.size())
    return std::nullopt;
  const date::local_time<minutes> local(day->time_since_epoch() + std::chrono::hours(h) +
                                        minutes(min));
  // The offset in force before any transition at that moment: for an ambiguous time that is
  // the earlier of the two moments, for one in the gap it is the clock as if it had jumped.
  const auto info = tz->get_info(local);
  const date::sys_time<minutes> utc(local.time_since_epoch() -
                                    date::floor<minutes>(info.first.offset));
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(utc.time_since_epoch()));
}

}  // namespace switchboard::time
