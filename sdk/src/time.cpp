#include "switchboard/time.h"

#include <date/date.h>
#include <date/tz.h>

#include <sstream>
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
// Hand parsers for the exact forms we write ("YYYY-MM-DD", "HH:MM", "HH:MM:SS"); what they turn
// away goes to date::parse, which decides as it always did.
int digitsAt(std::string_view s, std::size_t at, std::size_t count) {
  int v = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// The year a text of ours or of a provider starts with ("2026-..."), when it is one we accept.
bool yearInRange(int y) {
  return y >= kFirstYear && y <= kLastYear;
}
bool startsWithYearInRange(std::string_view s) {
  return s.size() > 4 && s[4] == '-' && yearInRange(digitsAt(s, 0, 4));
}

std::optional<date::sys_days> isoDay(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const int y = digitsAt(s, 0, 4), m = digitsAt(s, 5, 2), d = digitsAt(s, 8, 2);
  if (!yearInRange(y) || m < 0 || d < 0) return std::nullopt;
  const date::year_month_day ymd{date::year(y), date::month(static_cast<unsigned>(m)),
                                 date::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days(ymd);
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

// "YYYY-MM-DDTHH:MM:SSZ" exactly, as formatUtc writes it.
std::optional<TimePoint> parseCanonicalUtc(std::string_view s) {
  if (s.size() != 20 || s[10] != 'T' || s[19] != 'Z') return std::nullopt;
  const auto day = isoDay(s.substr(0, 10));
  const auto time = clockTime(s.substr(11, 8));
  if (!day || !time) return std::nullopt;
  return TimePoint(*day) + *time;
}

// The minutes of a trailing "+HH:MM" / "-HHMM" zone offset; -1 when the text has none.
int offsetMinutes(std::string_view s) {
  for (const std::size_t width : {6u, 5u}) {
    if (s.size() <= width) continue;
    const auto tail = s.substr(s.size() - width);
    if (tail[0] != '+' && tail[0] != '-') continue;
    const int h = digitsAt(tail, 1, 2);
    const int m = digitsAt(tail, width == 6 ? 4 : 3, 2);
    if ((width == 6 && tail[3] != ':') || h < 0 || m < 0) continue;
    return h * 60 + m;
  }
  return -1;
}
}  // namespace

std::optional<TimePoint> parseUtc(std::string_view text) {
  // Years and offsets are checked on the text, before any arithmetic: year 9999 overflows a
  // TimePoint, and no zone is more than 14 hours from UTC.
  if (!startsWithYearInRange(text)) return std::nullopt;
  if (auto t = parseCanonicalUtc(text)) return t;
  const std::string s(text);
  std::istringstream in(s);
  date::sys_time<std::chrono::milliseconds> tp;
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) {
    in >> date::parse("%FT%T", tp);
    // date::parse leaves the 'Z' unread after %T; anything else there is malformed.
    if (in.fail() || in.get() != s.back() || in.peek() != EOF) return std::nullopt;
    return TimePoint(std::chrono::duration_cast<TimePoint::duration>(tp.time_since_epoch()));
  }
  const int offset = offsetMinutes(s);
  if (offset < 0 || offset > 14 * 60) return std::nullopt;
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
  date::local_time<minutes> local;
  const auto day = isoDay(date_text);
  const auto time = time_text.size() == 5 ? clockTime(time_text) : std::nullopt;
  if (day && time) {
    local = date::local_time<minutes>(day->time_since_epoch() + date::floor<minutes>(*time));
  } else {
    std::istringstream in(std::string(date_text) + "T" + std::string(time_text));
    in >> date::parse("%FT%H:%M", local);
    if (in.fail() || in.peek() != EOF) return std::nullopt;
    if (!yearInRange(static_cast<int>(date::year_month_day(date::floor<date::days>(local)).year())))
      return std::nullopt;
  }
  // The offset in force before any transition at that moment: for an ambiguous time that is
  // the earlier of the two moments, for one in the gap it is the clock as if it had jumped.
  const auto info = tz->get_info(local);
  const date::sys_time<minutes> utc(local.time_since_epoch() -
                                    date::floor<minutes>(info.first.offset));
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(utc.time_since_epoch()));
}

}  // namespace switchboard::time
