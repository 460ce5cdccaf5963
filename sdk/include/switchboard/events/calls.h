// What the calls feature publishes about a phone call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/clock.h"
#include "switchboard/domain/company.h"
#include "switchboard/domain/external_ref.h"
#include "switchboard/domain/money.h"

namespace switchboard::events {

struct CallStarted {
  static constexpr const char* kTopic = "calls.call_started";
  domain::CompanyId company;  // empty: the number is nobody's (see UnknownNumber)
  std::string branch;
  domain::ExternalRef call;
  std::string from_number, to_number;  // E.164
  TimePoint started_at{};

  std::string toJson() const;
  static CallStarted fromJson(std::string_view json);
};

struct CallEnded {
  static constexpr const char* kTopic = "calls.call_ended";
  domain::CompanyId company;
  domain::ExternalRef call;
  TimePoint ended_at{};
  int duration_seconds = 0;
  std::string disconnection_reason;

  std::string toJson() const;
  static CallEnded fromJson(std::string_view json);
};

// A call to a number no company owns: recorded unassigned, an admin should look.
struct UnknownNumber {
  static constexpr const char* kTopic = "calls.unknown_number";
  domain::ExternalRef call;
  std::string from_number, to_number;
  TimePoint at{};

  std::string toJson() const;
  static UnknownNumber fromJson(std::string_view json);
};

// A call the system could not settle on its own (low confidence, a complaint, ...).
struct NeedsReview {
  static constexpr const char* kTopic = "calls.needs_review";
  domain::CompanyId company;
  domain::ExternalRef call;
  std::string reason;

  std::string toJson() const;
  static NeedsReview fromJson(std::string_view json);
};

// The caller asked for an appointment; the booking feature acts on it.
struct BookingRequested {
  static constexpr const char* kTopic = "calls.booking_requested";
  domain::CompanyId company;
  std::string branch;
  domain::ExternalRef call;
  std::optional<std::int64_t> customer_id;
  std::string customer_name;
  std::string customer_phone;  // E.164
  std::string customer_email;
  std::string language;  // BCP 47
  std::string service;   // the catalog's service id
  std::string staff;     // empty: anyone
  TimePoint requested_start{};
  std::string time_zone;  // the branch's, for messages and the calendar
  std::string notes;
  std::string start_local;  // requested_start in time_zone: 2026-11-25T14:00
  std::optional<std::int64_t> call_id;  // our call row
  double confidence = 0;                // of the extraction, 0..1

  std::string toJson() const;
  static BookingRequested fromJson(std::string_view json);
};

// A call is over and analysed: what it cost us, for billing.
struct CallCompleted {
  static constexpr const char* kTopic = "calls.completed";
  domain::CompanyId company;  // empty: unassigned
  std::string branch;
  domain::ExternalRef call;
  std::optional<std::int64_t> call_id;
  std::optional<std::int64_t> customer_id;
  int duration_seconds = 0;
  struct Cost {
    std::string platform;  // retell | twilio | ...
    domain::Money amount;  // USD minor units
    std::string basis;     // reported (by the platform) | rate (duration x the configured rate)
  };
  std::vector<Cost> costs;

  std::string toJson() const;
  static CallCompleted fromJson(std::string_view json);
};

}  // namespace switchboard::events
