// Clock implementations: the system's, and one that tests set by hand.
#pragma once

#include <atomic>

#include "switchboard/clock.h"

namespace switchboard::kernel::runtime {

class SystemClock final : public switchboard::Clock {
 public:
  switchboard::TimePoint now() const override { return std::chrono::system_clock::now(); }
};

class ManualClock final : public switchboard::Clock {
 public:
  explicit ManualClock(switchboard::TimePoint start) : now_(start.time_since_epoch().count()) {}
  switchboard::TimePoint now() const override {
    return switchboard::TimePoint(switchboard::TimePoint::duration(now_.load()));
  }
  void set(switchboard::TimePoint t) { now_ = t.time_since_epoch().count(); }
  void advance(std::chrono::nanoseconds d) {
    now_ += std::chrono::duration_cast<switchboard::TimePoint::duration>(d).count();
  }

 private:
  std::atomic<switchboard::TimePoint::rep> now_;
};

}  // namespace switchboard::kernel::runtime
