// An Event as JSON, for events delivered through the inbox.
#pragma once

#include <string>

#include "switchboard/events.h"

namespace switchboard::kernel::events {

std::string toJson(const switchboard::Event& event);
// Throws std::invalid_argument on malformed input.
switchboard::Event fromJson(const std::string& json);

}  // namespace switchboard::kernel::events
