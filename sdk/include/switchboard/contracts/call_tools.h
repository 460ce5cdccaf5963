// The call tools contract: functions the voice agent calls while the caller is on the line
// ("is 15:00 free?", "book it"). The voice provider verifies and translates the platform's
// request and asks the feature that provides this (the booking feature today); the answer is
// a short sentence the agent can speak, in the call's language.
// Called on a request thread with the platform's tool deadline running: answer within a few
// hundred milliseconds; the provider's calls it makes are bounded by its client's timeouts.
#pragma once

#include <boost/config.hpp>
#include <stdexcept>
#include <string>

#include "switchboard/domain/company.h"
#include "switchboard/domain/external_ref.h"

namespace switchboard::contracts {

struct ToolCall {
  domain::CompanyId company;  // from our metadata on the call (set at the inbound answer)
  std::string branch;
  domain::ExternalRef call;    // the platform's call
  std::string caller;          // the caller's number, E.164 when known
  std::string name;            // the function: check_availability, book_appointment, ...
  std::string arguments_json;  // the arguments the agent filled in (an object)
};

struct ToolAnswer {
  std::string result;  // what the agent says (or reads and rephrases)
};

// A request the function cannot act on (unknown function, missing argument): the provider
// answers 400 (404 for an unknown function) with this message.
class BOOST_SYMBOL_VISIBLE ToolError : public std::runtime_error {
 public:
  ToolError(bool unknown_function, const std::string& message)
      : std::runtime_error(message), unknown_function_(unknown_function) {}
  ~ToolError() override;
  bool unknownFunction() const { return unknown_function_; }

 private:
  bool unknown_function_;
};

class BOOST_SYMBOL_VISIBLE CallTools {
 public:
  static constexpr const char* kServiceName = "contract.call_tools";
  virtual ~CallTools();
  // Throws ToolError for a request it cannot act on; anything else is answered in `result`
  // (a taken slot, a calendar that is down: the caller hears what happened).
  virtual ToolAnswer call(const ToolCall& call) = 0;
};

}  // namespace switchboard::contracts
