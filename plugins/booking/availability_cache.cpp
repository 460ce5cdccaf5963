#include "availability_cache.h"

#include <cstdio>
#include <cstdlib>

#include "switchboard/time.h"

namespace booking {

std::string addDays(const std::string& date, int n) {
  using namespace std::chrono;
  const year_month_day ymd{year(std::atoi(date.substr(0, 4).c_str())),
                           month(static_cast<unsigned>(std::atoi(date.substr(5, 2).c_str()))),
                           day(static_cast<unsigned>(std::atoi(date.substr(8, 2).c_str())))};
  const year_month_day next{sys_days(ymd) + days(n)};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(next.year()),
                static_cast<unsigned>(next.month()), static_cast<unsigned>(next.day()));
  return out;
}

SlotWindow windowOf(const std::string& first_day, int horizon_days, const std::string& zone) {
  SlotWindow w;
  for (int d = 0; d <= horizon_days; ++d) w.days.push_back(addDays(first_day, d));
  w.query.time_zone = zone;
  w.query.from = switchboard::time::fromLocal(w.days.front(), "00:00", zone)
                     .value_or(switchboard::TimePoint{});
  w.query.to = switchboard::time::fromLocal(addDays(w.days.back(), 1), "00:00", zone)
                   .value_or(w.query.from + std::chrono::hours(24 * (horizon_days + 1)));
  return w;
}

std::vector<switchboard::contracts::Slot> AvailabilityCache::getOrLoad(
    const SlotWindow& window,
    const std::function<std::vector<switchboard::contracts::Slot>()>& load) {
  if (auto cached = get(window.query, window.days)) return *cached;
  auto slots = load();
  put(window.query, window.days, slots);
  return slots;
}

std::optional<std::vector<switchboard::contracts::Slot>> AvailabilityCache::get(
    const switchboard::contracts::SlotQuery& q, const std::vector<std::string>& days) {
  if (ttl_.count() == 0) {
    ++misses_;
    return std::nullopt;
  }
  const auto now = std::chrono::steady_clock::now();
  const auto base = prefix(q.company, q.event_type) + q.time_zone + '\x1f';
  std::vector<switchboard::contracts::Slot> out;
  std::lock_guard lock(mutex_);
  for (const auto& d : days) {
    const auto it = days_.find(base + d);
    if (it == days_.end() || now - it->second.at >= ttl_) {
      ++misses_;
      return std::nullopt;
    }
    out.insert(out.end(), it->second.slots.begin(), it->second.slots.end());
  }
  ++hits_;
  return out;
}

void AvailabilityCache::put(const switchboard::contracts::SlotQuery& q,
                            const std::vector<std::string>& days,
                            const std::vector<switchboard::contracts::Slot>& slots) {
  if (ttl_.count() == 0) return;
  const auto now = std::chrono::steady_clock::now();
  const auto base = prefix(q.company, q.event_type) + q.time_zone + '\x1f';
  std::map<std::string, Day> fresh;
  for (const auto& d : days) fresh[d] = {now, {}};
  for (const auto& s : slots) {
    const auto date = switchboard::time::toLocal(s.start, q.time_zone).date;
    if (auto it = fresh.find(date); it != fresh.end()) it->second.slots.push_back(s);
  }
  std::lock_guard lock(mutex_);
  for (auto& [d, day] : fresh) days_[base + d] = std::move(day);
}

void AvailabilityCache::invalidate(const std::string& company, const std::string& event_type) {
  const auto p = prefix(company, event_type);
  std::lock_guard lock(mutex_);
  for (auto it = days_.lower_bound(p); it != days_.end() && it->first.compare(0, p.size(), p) == 0;)
    it = days_.erase(it);
}

}  // namespace booking
