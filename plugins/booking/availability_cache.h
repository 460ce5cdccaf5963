// Free slots per (company, event type, zone, local day), kept for a short time (YAML, default
// 5 minutes) so callers asking again, and the alternatives after a taken slot, cost no Cal.com
// request. A booking we make, or a booking webhook for the event type, drops its days at once.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/contracts/calendar.h"

namespace booking {

// "2026-11-27" + n days.
std::string addDays(const std::string& date, int n);

// The search window: `first_day` and the `horizon_days` after it, whole local days in `zone`,
// asked of the calendar in one request.
struct SlotWindow {
  switchboard::contracts::SlotQuery query;  // company and event type left to the caller
  std::vector<std::string> days;            // the window's local dates
};
SlotWindow windowOf(const std::string& first_day, int horizon_days, const std::string& zone);

class AvailabilityCache {
 public:
  explicit AvailabilityCache(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  // The window's slots when each of its days is cached and fresh. `days`: the window's local
  // dates (the query's from is the first one's midnight).
  std::optional<std::vector<switchboard::contracts::Slot>> get(
      const switchboard::contracts::SlotQuery& q, const std::vector<std::string>& days);
  void put(const switchboard::contracts::SlotQuery& q, const std::vector<std::string>& days,
           const std::vector<switchboard::contracts::Slot>& slots);
  void invalidate(const std::string& company, const std::string& event_type);
  // The window's slots from the cache, else from `load` (the calendar), kept for next time.
  std::vector<switchboard::contracts::Slot> getOrLoad(
      const SlotWindow& window,
      const std::function<std::vector<switchboard::contracts::Slot>()>& load);

  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }

 private:
  struct Day {
    std::chrono::steady_clock::time_point at;
    std::vector<switchboard::contracts::Slot> slots;
  };
  static std::string prefix(const std::string& company, const std::string& event_type) {
    return company + '\x1f' + event_type + '\x1f';
  }

  std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  std::map<std::string, Day> days_;  // prefix + zone + '\x1f' + date
  std::atomic<std::uint64_t> hits_{0}, misses_{0};
};

}  // namespace booking
