// One phone call taken by the voice agent. A call whose dialled number belongs to no company is
// stored unassigned (empty company_id) and flagged, never guessed onto a tenant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "switchboard/clock.h"
#include "switchboard/domain/company.h"
#include "switchboard/domain/money.h"

namespace switchboard::domain {

struct Call {
  std::int64_t id = 0;
  CompanyId company_id;  // empty: unassigned
  std::string branch_id;
  std::string retell_call_id;  // unique
  std::string from_number;     // E.164
  std::string to_number;       // E.164
  std::string status;          // registered | ongoing | ended | analyzed | error
  std::optional<TimePoint> started_at, ended_at;
  int duration_seconds = 0;
  std::string transcript;
  std::string analysis_json;
  Money cost;      // charged to the company, in its currency
  Money cost_usd;  // what the platforms billed us, in USD cents
  std::optional<std::int64_t> customer_id;
  std::string customer_name;
  std::optional<std::int64_t> appointment_id;  // the booking it converted into
  bool flagged = false;
  std::string flag_reason;
};

}  // namespace switchboard::domain
