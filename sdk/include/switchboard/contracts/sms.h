// The SMS contract: what notifications need from an SMS provider (Twilio today).
#pragma once

#include <boost/config.hpp>
#include <stdexcept>
#include <string>
#include <utility>

#include "switchboard/domain/company.h"
#include "switchboard/domain/external_ref.h"

namespace switchboard::contracts {

struct SmsMessage {
  domain::CompanyId company;  // whose sender (a company may bring its own) and whose bill
  std::string to;             // E.164
  std::string body;
  std::string reference;  // ours (the outbox entry): comes back with delivery updates
  // An earlier try may have reached the provider (it timed out, or we stopped before recording
  // its answer): the provider looks for that message before sending it again.
  bool maybe_sent = false;
};

struct SmsReceipt {
  domain::ExternalRef ref;  // the provider's message id
  std::string status;       // queued | sent | delivered | undelivered | failed
};

class BOOST_SYMBOL_VISIBLE SmsError : public std::runtime_error {
 public:
  // permanent: the number is invalid, unreachable or opted out — record it, never retry.
  SmsError(bool permanent, std::string code, const std::string& message)
      : std::runtime_error(message), permanent_(permanent), code_(std::move(code)) {}
  ~SmsError() override;
  bool permanent() const { return permanent_; }
  const std::string& code() const { return code_; }  // the provider's error code

 private:
  bool permanent_;
  std::string code_;
};

class BOOST_SYMBOL_VISIBLE SmsSender {
 public:
  static constexpr const char* kServiceName = "contract.sms";
  virtual ~SmsSender();
  // Throws SmsError; a temporary failure is retried by the caller's job.
  virtual SmsReceipt send(const SmsMessage& message) = 0;
};

}  // namespace switchboard::contracts
