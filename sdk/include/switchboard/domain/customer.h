// A caller a company knows, recognised by phone number within that company only.
#pragma once

#include <cstdint>
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
  std::string journey_status = "new";  // new | active | lapsed | …
  std::string loyalty_tier;
  TimePoint created_at{};
};

}  // namespace switchboard::domain
