// What an SMS provider reports about messages: delivery updates of what we sent, and what
// customers texted back (STOP). The provider names the topic (`twilio.message_status`,
// `twilio.message_received`); the payload is one of these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "switchboard/clock.h"
#include "switchboard/domain/company.h"
#include "switchboard/domain/external_ref.h"
#include "switchboard/domain/money.h"

namespace switchboard::events {

struct SmsStatus {
  domain::CompanyId company;    // whose sender sent it (empty: the platform's)
  domain::ExternalRef message;  // the provider's message id
  std::string reference;        // ours, when the provider echoes it back
  std::string status;           // queued | sending | sent | delivered | undelivered | failed
  std::string error_code;       // the provider's, when it failed
  std::string to, from;
  std::optional<domain::Money> price;  // what the provider charged, when it says
  TimePoint at{};

  std::string toJson() const;
  static SmsStatus fromJson(std::string_view json);
};

struct SmsReceived {
  domain::CompanyId company;
  domain::ExternalRef message;
  std::string from, to, body;
  bool opt_out = false;  // STOP and its synonyms: never text this number again
  bool opt_in = false;   // START / UNSTOP: they may be texted again
  TimePoint at{};

  std::string toJson() const;
  static SmsReceived fromJson(std::string_view json);
};

}  // namespace switchboard::events
