// How far ahead a company takes bookings: its catalog setting `booking_horizon_days`
// (default 365, at most 3650). A time past it is never booked, live or after the call:
// a caller's "10.12.2126" is a mistake, not an appointment.
#pragma once

#include <chrono>
#include <string>

#include "switchboard/domain/company.h"

namespace booking {

inline int bookingHorizonDays(const switchboard::domain::Company& company) {
  constexpr int kDefault = 365, kMost = 3650;
  const auto it = company.settings.find("booking_horizon_days");
  if (it == company.settings.end()) return kDefault;
  try {
    const int days = std::stoi(it->second);
    return days < 1 ? kDefault : days > kMost ? kMost : days;
  } catch (const std::exception&) {
    return kDefault;
  }
}

inline bool beyondHorizon(const switchboard::domain::Company& company, switchboard::TimePoint start,
                          switchboard::TimePoint now) {
  return start > now + std::chrono::hours(24) * bookingHorizonDays(company);
}

}  // namespace booking
