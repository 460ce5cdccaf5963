// Waits until the server's inbox holds nothing pending or running: everything caused so far
// has happened. One look at both counts (/api/health/metrics reads them in one query): two
// looks could miss an item that finished, publishing a new pending one, between them.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "support/eventually.h"
#include "support/http_client.h"
#include "support/test_database.h"

namespace sbtest {

inline bool inboxIdle(std::uint16_t port) {
  return eventually([&] {
    const auto r = request(port, "GET", "/api/health/metrics");
    return r.status == 200 &&
           r.body.find("switchboard_inbox_items{state=\"pending\"} 0\n") != std::string::npos &&
           r.body.find("switchboard_inbox_items{state=\"running\"} 0\n") != std::string::npos;
  });
}

// The same where work waits for a time (a reminder tomorrow, an SMS after quiet hours): nothing
// running and nothing pending that is due, read from the database `url` in one query. "Due"
// reaches a second ahead: a row committed between reading the clock and running the query
// (an event a finishing item just published) must not look like future work.
inline bool dueWorkDone(const std::string& url) {
  return eventually([&] {
    const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count() +
                          1000;
    auto db = openDatabase(url);
    long long busy = 0;
    db << "SELECT COUNT(*) FROM inbox WHERE state = 'running' OR (state = 'pending' AND "
          "run_at_ms <= :now)",
        soci::use(now), soci::into(busy);
    return busy == 0;
  });
}

}  // namespace sbtest
