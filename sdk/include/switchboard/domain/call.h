// One phone call taken by the voice agent. A call whose dialled number belongs to no company is
// stored unassigned (empty company_id) and flagged, never guessed onto a tenant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "switchboard/clock.h"
#include "switchboard/domain/company.h"
#include "switchboard/domain/external_ref.h"
#include "switchboard/domain/money.h"

namespace switchboard::domain {

struct Call {
  std::int64_t id = 0;
  CompanyId company_id;  // empty: unassigned
  std::string branch_id;
  ExternalRef ref;          // the provider's call ({"retell", "call_abc"}); unique
  std::string agent_id;     // the provider's agent that took it
  std::string direction;    // inbound | outbound
  std::string from_number;  // E.164
  std::string to_number;    // E.164
  std::string status;       // registered | not_connected | ongoing | ended | analyzed | error
  std::optional<TimePoint> started_at, ended_at, analyzed_at;
  int duration_seconds = 0;
  std::string disconnection_reason;
  std::string transcript;
  std::string summary;
  std::string sentiment;
  std::string analysis_json;  // the agent's structured extraction
  Money cost;                 // charged to the company, in its currency
  Money cost_usd;             // what the platforms billed us, in USD cents
  std::optional<std::int64_t> customer_id;
  std::string customer_name;
  std::optional<std::int64_t> appointment_id;  // the booking it converted into (a group's first)
  // What the caller asked for and what was booked ("original 14:00, booked 14:30").
  std::optional<TimePoint> requested_start, booked_start;
  bool flagged = false;
  std::string flag_reason;
};

}  // namespace switchboard::domain
