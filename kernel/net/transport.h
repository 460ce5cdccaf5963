// One HTTP exchange, no policy: what the upstream client (retries, breaker, metrics) sends
// each attempt through. libcurl in production (curl_http_client.h), a script in unit tests.
#pragma once

#include <chrono>

#include "switchboard/http_client.h"

namespace switchboard::kernel::net {

class Transport {
 public:
  virtual ~Transport() = default;
  // `request.timeout` bounds the whole exchange; never throws for network or HTTP failures.
  virtual switchboard::OutboundResponse perform(const switchboard::OutboundRequest& request,
                                                std::chrono::milliseconds connect_timeout) = 0;
};

}  // namespace switchboard::kernel::net
