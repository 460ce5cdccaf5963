// Retell's call object (PROVIDERS.md: webhooks and GET /v2/get-call) → the SDK's PlatformCall.
#pragma once

#include <string>

#include "switchboard/contracts/voice_platform.h"
#include "switchboard/json.h"

namespace retell {

inline constexpr const char* kProvider = "retell";

// Throws std::invalid_argument when `call` has no call_id.
switchboard::contracts::PlatformCall translateCall(const switchboard::json::View& call);

// Retell's event name → the report's stage; empty for events the calls feature does not take
// (transfers, and types Retell adds later).
std::string stageOf(const std::string& event);

}  // namespace retell
