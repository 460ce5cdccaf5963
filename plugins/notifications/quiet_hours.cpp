#include "quiet_hours.h"

#include <cstdio>

#include "switchboard/time.h"

namespace notifications {

namespace {

std::optional<int> minuteOf(const std::string& hhmm) {
  int h = -1, m = -1;
  char tail = 0;
  if (std::sscanf(hhmm.c_str(), "%d:%d%c", &h, &m, &tail) != 2) return std::nullopt;
  if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::string hhmm(int minute) {
  const int h = (minute / 60) % 24, m = minute % 60;
  return (h < 10 ? "0" : "") + std::to_string(h) + ":" + (m < 10 ? "0" : "") + std::to_string(m);
}

}  // namespace

std::optional<QuietHours> QuietHours::parse(const std::string& text) {
  if (text.empty() || text == "none") return QuietHours{};
  const auto dash = text.find('-');
  if (dash == std::string::npos) return std::nullopt;
  const auto from = minuteOf(text.substr(0, dash)), to = minuteOf(text.substr(dash + 1));
  if (!from || !to) return std::nullopt;
  return QuietHours{*from, *to};
}

std::optional<switchboard::TimePoint> QuietHours::until(switchboard::TimePoint now,
                                                        const std::string& zone) const {
  if (from_minute == to_minute) return std::nullopt;
  const auto local = switchboard::time::toLocal(now, zone.empty() ? "UTC" : zone);
  const int m = local.minutes_of_day;
  const bool crosses = from_minute > to_minute;
  const bool inside =
      crosses ? (m >= from_minute || m < to_minute) : (m >= from_minute && m < to_minute);
  if (!inside) return std::nullopt;
  // The end is today, or tomorrow when the window started this evening.
  std::string date = local.date;
  if (crosses && m >= from_minute) {
    const auto tomorrow =
        switchboard::time::toLocal(now + std::chrono::hours(24), zone.empty() ? "UTC" : zone);
    date = tomorrow.date;
  }
  return switchboard::time::fromLocal(date, hhmm(to_minute), zone.empty() ? "UTC" : zone);
}

}  // namespace notifications
