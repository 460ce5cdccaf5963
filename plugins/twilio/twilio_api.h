// Twilio's Messages API (PROVIDERS.md) behind the SDK's SmsSender contract: a form-encoded
// POST with basic auth, from the company's own sender when its catalog brings one, else the
// platform's; each message asks Twilio to report its delivery to our status callback.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "switchboard/contracts/sms.h"
#include "switchboard/domain/money.h"
#include "switchboard/http_client.h"

namespace twilio {

// Who sends: an account and a number or messaging service.
struct Sender {
  std::string account_sid, auth_token;
  std::string from;                   // E.164
  std::string messaging_service_sid;  // used when set (Twilio then picks the number)
  std::string company;                // empty: the platform's sender
  bool usable() const {
    return !account_sid.empty() && !auth_token.empty() &&
           (!from.empty() || !messaging_service_sid.empty());
  }
};

// Twilio's error codes for a recipient who can never get this message: an invalid or
// non-mobile number, a region not permitted, an opted-out recipient (21610), ...
bool permanentCode(int code);
// "-0.00790" USD → 1 (cents, rounded half up): Twilio reports prices as negative decimals.
std::optional<switchboard::domain::Money> priceOf(const std::string& price,
                                                  const std::string& unit);

class TwilioSms final : public switchboard::contracts::SmsSender {
 public:
  using SenderOf = std::function<Sender(const switchboard::domain::CompanyId&)>;
  // `status_callback`: the public URL of our status route (empty: no callbacks asked for).
  TwilioSms(switchboard::HttpClient& client, std::string base_url, SenderOf sender_of,
            std::string status_callback);

  switchboard::contracts::SmsReceipt send(const switchboard::contracts::SmsMessage& m) override;

 private:
  // Twilio has no idempotency key for messages: a message that may have been taken is looked
  // up in the account's recent messages to that number (same sender, same body).
  std::optional<switchboard::OutboundResponse> findSent(
      const Sender& sender, const switchboard::contracts::SmsMessage& m);

  switchboard::HttpClient& client_;
  std::string base_url_;
  SenderOf sender_of_;
  std::string status_callback_;
};

}  // namespace twilio
