// The answer to the inbound-call webhook: what the voice agent needs to greet the caller and
// talk about the business (names, services with durations and prices, today in the branch's
// zone, opening hours) and our ids as metadata.
#pragma once

#include "catalog_view.h"
#include "switchboard/clock.h"
#include "switchboard/contracts/voice_platform.h"

namespace calls {

switchboard::contracts::InboundAnswer inboundAnswer(const NumberResolution& where,
                                                    const std::optional<domain::Customer>& caller,
                                                    const std::string& caller_e164,
                                                    switchboard::TimePoint now);

}  // namespace calls
