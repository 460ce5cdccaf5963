// A thing's identity at a provider, without baking the provider into our types: a call is
// {"retell", "call_abc"}, a booking {"calcom", "uid_123"}, an SMS {"twilio", "SM..."}.
#pragma once

#include <string>

namespace switchboard::domain {

struct ExternalRef {
  std::string provider;  // the provider plugin's library name
  std::string id;        // the provider's id, as it gives it

  bool empty() const { return id.empty(); }
  friend bool operator==(const ExternalRef&, const ExternalRef&) = default;
};

}  // namespace switchboard::domain
