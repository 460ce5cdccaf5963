// Waits until the server's inbox holds nothing pending or running: everything caused so far
// has happened. One look at both counts (/api/health/metrics reads them in one query): two
// looks could miss an item that finished, publishing a new pending one, between them.
#pragma once

#include <cstdint>
#include <string>

#include "support/eventually.h"
#include "support/http_client.h"

namespace sbtest {

inline bool inboxIdle(std::uint16_t port) {
  return eventually([&] {
    const auto r = request(port, "GET", "/api/health/metrics");
    return r.status == 200 &&
           r.body.find("switchboard_inbox_items{state=\"pending\"} 0\n") != std::string::npos &&
           r.body.find("switchboard_inbox_items{state=\"running\"} 0\n") != std::string::npos;
  });
}

}  // namespace sbtest
