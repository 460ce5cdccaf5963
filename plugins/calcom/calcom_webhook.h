// Cal.com's webhook body (PROVIDERS.md) as the SDK's CalendarChange.
#pragma once

#include <optional>
#include <string>

#include "switchboard/events/calendar.h"
#include "switchboard/json.h"

namespace calcom {

// The change a trigger reports (BOOKING_CANCELLED → "cancelled"); empty for triggers that
// change no booking (PING, payments, meeting started, ...): stored and acknowledged only.
std::string changeOf(const std::string& trigger);
// The booking the body is about, its trigger and when Cal.com sent it: the inbox's identity
// (Cal.com signs no timestamp, so a replay is recognised by these).
std::string identityOf(const switchboard::json::View& root);
// Throws std::invalid_argument naming the field when a booking change's body cannot be
// processed: no payload object, no booking uid, times missing, unreadable or out of order.
void checkChange(const switchboard::json::View& root);
// The body's booking as a CalendarChange (company left empty: the caller knows it).
switchboard::events::CalendarChange changeFrom(const switchboard::json::View& root);

}  // namespace calcom
