// Waits until the server's inbox holds nothing pending or running and the inline deliveries
// its items published have all run: everything caused so far has happened. One look reads the
// deferred deliveries, then both item counts (in one query), then the settled deliveries
// (/api/health/metrics, in that order): two looks at the counts could miss an item that
// finished, publishing a new pending one, between them. Two idle looks in a row with the same
// deferred count: no delivery began between them, so none that began before was still running.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "support/eventually.h"
#include "support/http_client.h"
#include "support/test_database.h"

namespace sbtest {

inline bool inboxIdle(std::uint16_t port) {
  auto counter = [](const std::string& body, const std::string& name) -> long long {
    const auto at = body.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stoll(body.substr(at + name.size() + 2));
  };
  long long last_deferred = -1;
  return eventually([&] {
    const auto r = request(port, "GET", "/api/health/metrics");
    const long long deferred =
        counter(r.body, "switchboard_inbox_inline_deliveries_total{stage=\"deferred\"}");
    const bool idle =
        r.status == 200 && counter(r.body, "switchboard_inbox_items{state=\"pending\"}") == 0 &&
        counter(r.body, "switchboard_inbox_items{state=\"running\"}") == 0 && deferred >= 0 &&
        counter(r.body, "switchboard_inbox_inline_deliveries_total{stage=\"settled\"}") == deferred;
    const bool settled = idle && deferred == last_deferred;
    last_deferred = idle ? deferred : -1;
    return settled;
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
