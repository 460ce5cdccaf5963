// What a voice provider publishes for each report of a call (one topic per stage, named after
// the provider: `retell.call_started`, `retell.call_ended`, `retell.call_analyzed`,
// `retell.transcript_updated`). The payload is provider-neutral, so the calls feature reads the
// same struct whichever platform took the call. Reports may come twice, late or out of order;
// each carries the whole call as the platform knew it then.
#pragma once

#include <string>
#include <string_view>

#include "switchboard/contracts/voice_platform.h"

namespace switchboard::events {

struct VoiceCallReport {
  // started | ended | analyzed | transcript: the stage this report announces.
  std::string stage;
  contracts::PlatformCall call;
  std::string toJson() const;
  static VoiceCallReport fromJson(std::string_view json);  // throws std::invalid_argument
};

}  // namespace switchboard::events
