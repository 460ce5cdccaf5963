// kill -9 at random moments while webhooks stream in: after the last restart every
// acknowledged webhook has been processed exactly once (and none twice).
#include <gtest/gtest.h>

#include <csignal>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "support/eventually.h"
#include "support/paths.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/webhooks.h"

namespace {

using sbtest::ServerProcess;

const std::string kToken = "crash-admin-token-0123";

std::string crashConfig(const std::string& db_path) {
  return "plugin_dirs: [\"" + sbtest::testPluginDir() +
         "\"]\n"
         "storage: { url: \"sqlite://" +
         db_path +
         "\" }\n"
         "inbox: { workers: 2, batch: 4, poll_ms: 20, lease_ms: 60000,"
         " retry: { base_ms: 5, cap_ms: 50, max_attempts: 5 } }\n"
         "admin: { token: \"" +
         kToken +
         "\" }\n"
         "plugins:\n"
         "  courier: { library: courier, config: { secret: " +
         sbtest::kCourierSecret +
         " } }\n"
         "routes:\n"
         "  - { method: POST, path: /webhooks/courier, plugin: courier, handler: webhook, durable: "
         "true }\n"
         "  - { method: GET, path: /processed, plugin: courier, handler: processed }\n";
}

// What the senders learned: acknowledged ids, and ids whose fate is unknown (sent, no answer).
struct Ledger {
  std::mutex mutex;
  std::set<std::string> acked, unknown;
  std::size_t ackedCount() {
    std::lock_guard lock(mutex);
    return acked.size();
  }
};

// Posts webhooks until the server stops answering.
void send(std::uint16_t port, const std::string& prefix, Ledger& ledger, unsigned seed) {
  std::mt19937 rng(seed);
  for (int n = 0;; ++n) {
    const std::string id = prefix + "-" + std::to_string(n);
    const std::string body = R"({"id":")" + id + R"(","type":"parcel.sent","work_ms":)" +
                             std::to_string(rng() % 15) + "}";
    try {
      const auto r = sbtest::postCourier(port, body);
      std::lock_guard lock(ledger.mutex);
      if (r.status != 200) {
        ADD_FAILURE() << id << " answered " << r.status << ": " << r.body;
        return;
      }
      ledger.acked.insert(id);
    } catch (const std::exception&) {
      std::lock_guard lock(ledger.mutex);
      ledger.unknown.insert(id);  // killed mid-request: stored or not, never acknowledged
      return;
    }
  }
}

TEST(Crash, Sigkill_WhileWebhooksStreamIn_LosesNothingAcknowledgedAndProcessesNothingTwice) {
  sbtest::TempDir dir;
  const auto config = dir.write("c.yaml", crashConfig((dir.path() / "inbox.db").string()));
  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  Ledger ledger;
  constexpr int kKills = 4, kSenders = 4;

  for (int round = 0; round < kKills; ++round) {
    ServerProcess server(
        {sbtest::serverBinary(), "serve", "--config", config, "--listen", "127.0.0.1:0"});
    const auto port = server.waitUntilListening();
    ASSERT_TRUE(port) << server.output();
    std::vector<std::thread> senders;
    for (int t = 0; t < kSenders; ++t)
      senders.emplace_back(send, *port, "r" + std::to_string(round) + "t" + std::to_string(t),
                           std::ref(ledger), static_cast<unsigned>(rng()));
    // Kill after a random number of further acknowledgements, with work in flight.
    const std::size_t target = ledger.ackedCount() + 20 + rng() % 200;
    EXPECT_TRUE(sbtest::eventually([&] { return ledger.ackedCount() >= target; }))
        << server.output();
    server.signal(SIGKILL);
    EXPECT_EQ(server.waitForExit(), 128 + SIGKILL);
    for (auto& s : senders) s.join();
  }

  ServerProcess last(
      {sbtest::serverBinary(), "serve", "--config", config, "--listen", "127.0.0.1:0"});
  const auto port = last.waitUntilListening();
  ASSERT_TRUE(port) << last.output();
  const auto idle = [&] {
    const auto metrics = sbtest::request(*port, "GET", "/api/health/metrics").body;
    return metrics.find("switchboard_inbox_items{state=\"pending\"} 0\n") != std::string::npos &&
           metrics.find("switchboard_inbox_items{state=\"running\"} 0\n") != std::string::npos;
  };
  ASSERT_TRUE(sbtest::eventually(idle, std::chrono::seconds(60))) << last.output();

  const auto counts = sbtest::processedCounts(*port);
  std::size_t missing = 0, twice = 0;
  for (const auto& id : ledger.acked) {
    const auto it = counts.find(id);
    if (it == counts.end()) ++missing;
  }
  for (const auto& [id, n] : counts) {
    if (n != 1) ++twice;
    EXPECT_TRUE(ledger.acked.count(id) || ledger.unknown.count(id)) << id << " was never sent";
  }
  EXPECT_EQ(missing, 0u) << "acknowledged but never processed";
  EXPECT_EQ(twice, 0u) << "processed more than once";
  EXPECT_GT(ledger.acked.size(), static_cast<std::size_t>(kKills * 20));
  std::cout << "[ crash    ] " << kKills << " kills, " << ledger.acked.size() << " acknowledged, "
            << ledger.unknown.size() << " unanswered, " << counts.size() << " processed\n";
}

}  // namespace
