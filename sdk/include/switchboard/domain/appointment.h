// A booked appointment; the parts of a composite service share a composite_group.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "switchboard/clock.h"
#include "switchboard/domain/company.h"

namespace switchboard::domain {

struct Appointment {
  std::int64_t id = 0;
  CompanyId company_id;
  std::string branch_id;
  std::string service_id;
  std::string staff_id;
  std::optional<std::int64_t> customer_id;
  std::optional<std::int64_t> call_id;
  TimePoint starts_at{}, ends_at{};          // UTC
  std::optional<TimePoint> requested_start;  // what the caller asked for (an alternative differs)
  std::string status = "booked";  // booked | cancelled | rescheduled | completed | no_show
  std::optional<std::int64_t> calcom_booking_id;
  std::string calcom_booking_uid;  // unique when set
  std::string composite_group;     // shared by a composite booking's parts
  std::string source = "phone";    // phone | calcom | admin
};

}  // namespace switchboard::domain
