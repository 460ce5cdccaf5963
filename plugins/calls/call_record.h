// A call's stored record, built from reports that may come twice, late or out of order: each
// field is taken when a report has it, the status only moves forward, and a live transcript
// never replaces the final one. Whatever the order, the stored call ends the same.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "switchboard/domain/appointment.h"
#include "switchboard/domain/call.h"
#include "switchboard/events/calls.h"
#include "switchboard/events/voice.h"

namespace calls {

int statusRank(const std::string& status);

// Merges `report` into `call`; `now` stamps analyzed_at.
void mergeReport(switchboard::domain::Call& call,
                 const switchboard::events::VoiceCallReport& report, switchboard::TimePoint now);

// The caller's turns (from the turn list, else the "User:" lines of the transcript).
std::vector<std::string> userTurns(const switchboard::contracts::PlatformCall& call,
                                   const std::string& stored_transcript);

struct CostRates {
  std::int64_t retell_usd_micros_per_minute = 0;  // 0: no estimate when Retell reports none
  std::int64_t twilio_usd_micros_per_minute = 0;
};

// What the call cost us per platform, in USD minor units: Retell's reported call_cost when
// present (its Twilio share included), else duration × the configured rates (Twilio bills
// started minutes).
std::vector<switchboard::events::CallCompleted::Cost> callCosts(
    const switchboard::contracts::PlatformCall& call, int duration_seconds, const CostRates& rates);

// Where a caller stands: lead (never booked), booked (an appointment ahead), customer (came at
// least once), regular (came three times or more). Cancelled and no-show appointments count
// for nothing.
std::string journeyOf(const std::vector<switchboard::domain::Appointment>& appointments,
                      switchboard::TimePoint now);

// "0.07" (US dollars) → 70000 micro-dollars; nullopt when not a non-negative decimal.
std::optional<std::int64_t> parseUsdMicros(const std::string& text);

}  // namespace calls
