// The alternative finder's ranking (each priority and its tie-breaks), the working hours it
// keeps to, and the availability cache's hits, expiry and invalidation.
#include <gtest/gtest.h>

#include "alternative_finder.h"
#include "availability_cache.h"
#include "composite_booking.h"
#include "switchboard/time.h"

namespace {

using switchboard::TimePoint;
namespace time = switchboard::time;
const std::string kZone = "Europe/Berlin";

// Wednesday 2026-12-02 and the days after it (Berlin, UTC+1 in winter).
TimePoint at(const std::string& date, const std::string& hhmm) {
  return *time::fromLocal(date, hhmm, kZone);
}

std::vector<switchboard::contracts::Slot> slots(
    std::initializer_list<std::pair<const char*, const char*>> times) {
  std::vector<switchboard::contracts::Slot> out;
  for (const auto& [d, t] : times) out.push_back({at(d, t), 30, ""});
  return out;
}

booking::FinderInput input() {
  booking::FinderInput in;
  in.requested = at("2026-12-02", "14:00");
  in.time_zone = kZone;
  in.duration_minutes = 30;
  for (int day = 0; day < 6; ++day) in.hours.push_back({"c", "b", day, 9 * 60, 18 * 60});
  in.now = at("2026-12-01", "08:00");
  in.top = 10;
  return in;
}

std::vector<std::string> ranked(const std::vector<booking::Alternative>& alts) {
  std::vector<std::string> out;
  for (const auto& a : alts) {
    const auto l = time::toLocal(a.start, kZone);
    out.push_back(l.date.substr(8) + " " + l.time + " " + std::to_string(a.rank));
  }
  return out;
}

TEST(AlternativeFinder, TheOldFlowThreeBooksTheNearestLaterTime) {
  // 14:00 asked; 14:30, 15:00 and 16:00 free: 14:30 first.
  const auto alts = booking::rankAlternatives(
      slots({{"2026-12-02", "14:30"}, {"2026-12-02", "15:00"}, {"2026-12-02", "16:00"}}), input());
  EXPECT_EQ(ranked(alts), (std::vector<std::string>{"02 14:30 1", "02 15:00 1", "02 16:00 1"}));
  EXPECT_EQ(alts.front().reason, "same day, nearest time");
}

TEST(AlternativeFinder, RanksSameDayThenNextDaySameTimeThenNextDayThenLater) {
  const auto alts = booking::rankAlternatives(slots({{"2026-12-05", "14:00"},
                                                     {"2026-12-03", "10:00"},
                                                     {"2026-12-03", "16:00"},
                                                     {"2026-12-03", "14:00"},
                                                     {"2026-12-02", "09:00"},
                                                     {"2026-12-04", "09:30"},
                                                     {"2026-12-04", "15:00"}}),
                                              input());
  EXPECT_EQ(ranked(alts), (std::vector<std::string>{
                              "02 09:00 1",  // same day, however far
                              "03 14:00 2",  // next day, same time
                              "03 16:00 3",  // next day, the caller's part of the day first
                              "03 10:00 3",
                              "04 15:00 4",  // then day by day, the caller's part of day first
                              "04 09:30 4", "05 14:00 4"}));
}

TEST(AlternativeFinder, TiesGoToTheLaterTimeThenToTheCallersStaff) {
  auto in = input();
  auto free = slots({{"2026-12-02", "13:30"}, {"2026-12-02", "14:30"}});
  EXPECT_EQ(ranked(booking::rankAlternatives(free, in)),
            (std::vector<std::string>{"02 14:30 1", "02 13:30 1"}));
  in.staff = "anna";
  free = slots({{"2026-12-02", "15:00"}, {"2026-12-02", "15:00"}});
  free[1].staff = "anna";
  const auto alts = booking::rankAlternatives(free, in);
  ASSERT_EQ(alts.size(), 2u);
  EXPECT_EQ(alts[0].staff, "anna");
}

TEST(AlternativeFinder, KeepsToWorkingHoursTheHorizonAndTheFuture) {
  auto in = input();
  in.hours = {{"c", "b", 2, 9 * 60, 13 * 60}, {"c", "b", 3, 9 * 60, 18 * 60}};  // Wed, Thu
  in.now = at("2026-12-02", "10:00");
  const auto alts =
      booking::rankAlternatives(slots({{"2026-12-02", "09:30"},    // past
                                       {"2026-12-02", "12:45"},    // ends after closing (13:00)
                                       {"2026-12-02", "12:30"},    // fits
                                       {"2026-12-04", "14:00"},    // Friday: closed in these hours
                                       {"2026-12-06", "14:00"},    // beyond the horizon (3 days)
                                       {"2026-12-03", "17:30"}}),  // Thursday, fits
                                in);
  EXPECT_EQ(ranked(alts), (std::vector<std::string>{"02 12:30 1", "03 17:30 3"}));
  EXPECT_FALSE(booking::withinHours(at("2026-12-02", "13:00"), 30, in));
  EXPECT_TRUE(booking::withinHours(at("2026-12-03", "09:00"), 30, in));
}

TEST(AlternativeFinder, TheRequestedTimeIsFreeOnlyWhenOfferedAndOpen) {
  auto in = input();
  EXPECT_TRUE(booking::requestedIsFree(slots({{"2026-12-02", "14:00"}}), in));
  EXPECT_FALSE(booking::requestedIsFree(slots({{"2026-12-02", "14:30"}}), in));
  in.requested = at("2026-12-06", "14:00");  // a Sunday: closed
  EXPECT_FALSE(booking::requestedIsFree(slots({{"2026-12-06", "14:00"}}), in));
  const auto alts = booking::rankAlternatives(slots({{"2026-12-02", "14:00"}}), input());
  EXPECT_TRUE(alts.empty());  // the requested time itself is never its own alternative
}

TEST(AvailabilityCache, HitsWhenEveryDayIsFreshAndForgetsOnInvalidation) {
  booking::AvailabilityCache cache(std::chrono::minutes(5));
  switchboard::contracts::SlotQuery q{"salon", "101", at("2026-12-02", "00:00"),
                                      at("2026-12-04", "00:00"), kZone};
  const std::vector<std::string> days = {"2026-12-02", "2026-12-03"};
  EXPECT_FALSE(cache.get(q, days));
  cache.put(q, days, slots({{"2026-12-02", "14:00"}, {"2026-12-03", "10:00"}}));
  const auto hit = cache.get(q, days);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->size(), 2u);
  EXPECT_FALSE(cache.get(q, {"2026-12-02", "2026-12-03", "2026-12-04"}));  // a day not cached
  auto other = q;
  other.event_type = "102";
  EXPECT_FALSE(cache.get(other, days));
  cache.put(other, days, {});
  cache.invalidate("salon", "101");
  EXPECT_FALSE(cache.get(q, days));
  EXPECT_TRUE(cache.get(other, days));  // another event type keeps its days
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 4u);
}

TEST(AvailabilityCache, ExpiresAfterItsTime) {
  booking::AvailabilityCache none(std::chrono::milliseconds(0));  // 0: no caching
  switchboard::contracts::SlotQuery q{"salon", "101", at("2026-12-02", "00:00"),
                                      at("2026-12-03", "00:00"), kZone};
  none.put(q, {"2026-12-02"}, slots({{"2026-12-02", "14:00"}}));
  EXPECT_FALSE(none.get(q, {"2026-12-02"}));
  booking::AvailabilityCache brief(std::chrono::milliseconds(1));
  brief.put(q, {"2026-12-02"}, slots({{"2026-12-02", "14:00"}}));
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2);
  while (std::chrono::steady_clock::now() < until) {
  }
  EXPECT_FALSE(brief.get(q, {"2026-12-02"}));
}

TEST(AvailabilityCache, AddsDaysAcrossMonthsAndYears) {
  EXPECT_EQ(booking::addDays("2026-12-31", 1), "2027-01-01");
  EXPECT_EQ(booking::addDays("2028-02-28", 1), "2028-02-29");
  EXPECT_EQ(booking::addDays("2026-03-01", -1), "2026-02-28");
}

}  // namespace

TEST(CompositeParts, SegmentsBackToBackAndStartsWhereEveryBusyPartFits) {
  switchboard::domain::Service colour;
  colour.duration_minutes = 90;
  colour.segments = {{"apply", 30, true}, {"wait", 30, false}, {"wash", 30, true}};
  const auto parts = booking::partsOf(colour);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1].offset_minutes, 30);
  EXPECT_FALSE(parts[1].staff_busy);
  EXPECT_EQ(parts[2].offset_minutes, 60);
  EXPECT_TRUE(booking::isComposite(parts));

  const auto t = *switchboard::time::parseUtc("2026-12-02T09:00:00Z");
  auto at = [&](int minutes) { return t + std::chrono::minutes(minutes); };
  // Free: 9:00, 10:00 (so 9:00 fits), 10:30 (needs 11:30: no), 12:00, 13:00 (12:00 fits).
  std::vector<switchboard::contracts::Slot> free;
  for (int m : {0, 60, 90, 180, 240}) free.push_back({at(m), 30, ""});
  std::vector<switchboard::TimePoint> starts;
  for (const auto& s : booking::startsWhereAllFit(free, parts)) {
    starts.push_back(s.start);
    EXPECT_EQ(s.duration_minutes, 90);
  }
  EXPECT_EQ(starts, (std::vector<switchboard::TimePoint>{at(0), at(180)}));

  // A simple service is one part and every free slot.
  switchboard::domain::Service cut;
  cut.duration_minutes = 30;
  EXPECT_FALSE(booking::isComposite(booking::partsOf(cut)));
  EXPECT_EQ(booking::startsWhereAllFit(free, booking::partsOf(cut)).size(), free.size());
}
