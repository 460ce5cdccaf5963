// The alternative finder's time for a 14-day window (issue 11: under 1 ms): a salon open
// Monday to Saturday 09:00-18:00 with a free slot every 15 minutes for 15 days (540 slots),
// ranked for a request at 14:00 in Europe/Berlin. Prints microseconds per ranking.
//
//   build/bin/finder_bench [rounds, default 2000]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "alternative_finder.h"
#include "switchboard/time.h"

int main(int argc, char** argv) {
  namespace time = switchboard::time;
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 2000;
  booking::FinderInput in;
  in.time_zone = "Europe/Berlin";
  in.requested = *time::fromLocal("2026-12-02", "14:00", in.time_zone);
  in.duration_minutes = 30;
  in.horizon_days = 14;
  in.top = 3;
  for (int day = 0; day < 6; ++day) in.hours.push_back({"c", "b", day, 9 * 60, 18 * 60});
  std::vector<switchboard::contracts::Slot> free;
  const auto midnight = *time::fromLocal("2026-12-02", "00:00", in.time_zone);
  for (int d = 0; d < 15; ++d)
    for (int m = 9 * 60; m < 18 * 60; m += 15)
      free.push_back({midnight + std::chrono::hours(24 * d) + std::chrono::minutes(m), 30, ""});
  std::size_t found = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i) found += booking::rankAlternatives(free, in).size();
  const auto us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
      rounds;
  std::printf("finder: %zu free slots over 15 days, %.0f us per ranking (%d rounds, %zu found)\n",
              free.size(), us, rounds, found);
}
