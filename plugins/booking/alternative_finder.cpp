#include "alternative_finder.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <tuple>

#include "switchboard/time.h"

namespace booking {

namespace time = switchboard::time;
using switchboard::TimePoint;

namespace {

int partOfDay(int minute) {
  return minute < 12 * 60 ? 0 : minute < 17 * 60 ? 1 : 2;
}

// Days since the epoch of a "YYYY-MM-DD" local date.
long dayNumber(const std::string& date) {
  const int y = std::atoi(date.substr(0, 4).c_str());
  const unsigned m = static_cast<unsigned>(std::atoi(date.substr(5, 2).c_str()));
  const unsigned d = static_cast<unsigned>(std::atoi(date.substr(8, 2).c_str()));
  return std::chrono::sys_days(std::chrono::year_month_day(std::chrono::year(y),
                                                           std::chrono::month(m),
                                                           std::chrono::day(d)))
      .time_since_epoch()
      .count();
}

bool fitsHours(const time::LocalTime& local, int minutes, const FinderInput& in) {
  if (in.hours.empty()) return true;
  const int monday_based = (local.weekday + 6) % 7;  // LocalTime counts from Sunday
  const int from = local.minutes_of_day, to = from + std::max(minutes, 0);
  return std::any_of(in.hours.begin(), in.hours.end(), [&](const auto& h) {
    return h.weekday == monday_based && h.start_minute <= from && to <= h.end_minute;
  });
}

}  // namespace

bool withinHours(TimePoint start, int minutes, const FinderInput& in) {
  return in.hours.empty() || fitsHours(time::toLocal(start, in.time_zone), minutes, in);
}

bool requestedIsFree(const std::vector<switchboard::contracts::Slot>& free, const FinderInput& in) {
  return std::any_of(free.begin(), free.end(),
                     [&](const auto& s) { return s.start == in.requested; }) &&
         withinHours(in.requested, in.duration_minutes, in);
}

std::vector<Alternative> rankAlternatives(const std::vector<switchboard::contracts::Slot>& free,
                                          const FinderInput& in) {
  const auto wanted = time::toLocal(in.requested, in.time_zone);
  const long wanted_day = dayNumber(wanted.date);
  const int wanted_part = partOfDay(wanted.minutes_of_day);
  using Key = std::tuple<int, long, int, int, int, int, long long>;
  std::vector<std::pair<Key, Alternative>> ranked;
  for (const auto& slot : free) {
    if (slot.start == in.requested || slot.start <= in.now) continue;
    const int minutes = slot.duration_minutes > 0 ? slot.duration_minutes : in.duration_minutes;
    const auto local = time::toLocal(slot.start, in.time_zone);  // once per slot: the cost
    if (!fitsHours(local, std::max(minutes, in.duration_minutes), in)) continue;
    const long offset = dayNumber(local.date) - wanted_day;
    if (offset < 0 || offset > in.horizon_days) continue;
    const int distance = std::abs(local.minutes_of_day - wanted.minutes_of_day);
    const int other_part = partOfDay(local.minutes_of_day) == wanted_part ? 0 : 1;
    const int earlier = local.minutes_of_day < wanted.minutes_of_day ? 1 : 0;
    const int other_staff = in.staff.empty() || slot.staff == in.staff ? 0 : 1;
    Alternative a{slot.start, slot.staff, 0, ""};
    if (offset == 0) {
      a.rank = 1;
      a.reason = "same day, nearest time";
    } else if (offset == 1 && distance == 0) {
      a.rank = 2;
      a.reason = "next day, same time";
    } else if (offset == 1) {
      a.rank = 3;
      a.reason = other_part ? "next day, another time" : "next day, same part of the day";
    } else {
      a.rank = 4;
      a.reason =
          "in " + std::to_string(offset) + " days" + (other_part ? "" : ", same part of the day");
    }
    // On the same day nearness decides before the part of the day; later days look for the
    // caller's part of the day first.
    const Key key = a.rank == 1
                        ? Key{1, 0, distance, earlier, other_part, other_staff, 0}
                        : Key{a.rank, offset, other_part, distance, earlier, other_staff, 0};
    ranked.emplace_back(key, std::move(a));
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<Alternative> out;
  for (auto& [key, a] : ranked) {
    if (out.size() >= in.top) break;
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace booking
