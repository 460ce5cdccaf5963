// Identifiers for requests and events: 128 random bits as 32 lower-case hex characters.
#pragma once

#include <string>

namespace switchboard::kernel::util {

std::string randomId();

// A request id from a client is echoed only when it is short and made of safe characters.
bool isAcceptableRequestId(std::string_view id);

}  // namespace switchboard::kernel::util
