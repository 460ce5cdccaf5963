// A caller a company knows, recognised by phone number within that company only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "switchboard/clock.h"
#include "switchboard/domain/company.h"

namespace switchboard::domain {

struct Customer {
  std::int64_t id = 0;  // 0 until stored
  CompanyId company_id;
  std::string phone_e164;  // unique per company
  std::string name;
  std::string email;
  std::string journey_status = "lead";  // lead → booked → customer → regular
  std::string loyalty_tier;
  TimePoint created_at{};
  std::string name_source;  // person (never overwritten by a guess) | analysis | transcript
  int call_count = 0;
  std::optional<TimePoint> last_call_at;
};

}  // namespace switchboard::domain
