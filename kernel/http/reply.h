#pragma once

#include <functional>

#include "switchboard/http.h"

namespace switchboard::kernel::http {

// Sends the response for one request; called exactly once, from any thread.
using Reply = std::function<void(switchboard::HttpResponse)>;

}  // namespace switchboard::kernel::http
