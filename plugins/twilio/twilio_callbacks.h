// Twilio's form callbacks (PROVIDERS.md) as SDK events: a message's delivery status, and a
// message a customer sent to one of our numbers (STOP, START, anything else).
#pragma once

#include <string>

#include "switchboard/events/messaging.h"
#include "twilio_signature.h"

namespace twilio {

// "STOP", "stop ", "Unsubscribe" ...: Twilio's opt-out keywords (and OptOutType=STOP).
bool isOptOut(const std::string& body, const std::string& opt_out_type);
bool isOptIn(const std::string& body, const std::string& opt_out_type);

switchboard::events::SmsStatus statusFrom(const Params& form);
switchboard::events::SmsReceived receivedFrom(const Params& form);

std::string field(const Params& form, const std::string& name);

}  // namespace twilio
