// Two server processes on one PostgreSQL: every webhook (each delivered to both) is stored
// once and processed exactly once, and both processes take a share of the work.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "storage/database.h"
#include "support/eventually.h"
#include "support/paths.h"
#include "support/postgres_server.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/webhooks.h"

namespace {

using sbtest::ServerProcess;

std::string sharedConfig(const std::string& url) {
  return "plugin_dirs: [\"" + sbtest::testPluginDir() +
         "\"]\n"
         "storage: { url: \"" +
         url +
         "\", pool_size: 4 }\n"
         "inbox: { workers: 2, batch: 1, poll_ms: 20,"
         " retry: { base_ms: 5, cap_ms: 50, max_attempts: 5 } }\n"
         "plugins:\n"
         "  courier: { library: courier, config: { secret: " +
         sbtest::kCourierSecret +
         " } }\n"
         "routes:\n"
         "  - { method: POST, path: /webhooks/courier, plugin: courier, handler: webhook, durable: "
         "true }\n"
         "  - { method: GET, path: /processed, plugin: courier, handler: processed }\n";
}

TEST(SharedPostgres, TwoProcessesProcessEveryEventExactlyOnce) {
  const auto url = sbtest::PostgresServer::shared().createDatabase();
  sbtest::TempDir dir;
  const auto config = dir.write("c.yaml", sharedConfig(url));
  // Both start at once: migrations serialise on an advisory lock.
  ServerProcess a({sbtest::serverBinary(), "serve", "--config", config, "--listen", "127.0.0.1:0"});
  ServerProcess b({sbtest::serverBinary(), "serve", "--config", config, "--listen", "127.0.0.1:0"});
  const auto port_a = a.waitUntilListening(), port_b = b.waitUntilListening();
  ASSERT_TRUE(port_a) << a.output();
  ASSERT_TRUE(port_b) << b.output();

  constexpr int kEvents = 300;
  // Each event is delivered to both processes, as a provider retrying against a load balancer.
  auto deliver = [&](std::uint16_t first, std::uint16_t second, int from) {
    for (int i = from; i < kEvents; i += 2) {
      const std::string body = R"({"id":"evt-)" + std::to_string(i) + R"(","work_ms":2})";
      EXPECT_EQ(sbtest::postCourier(first, body).status, 200);
      EXPECT_EQ(sbtest::postCourier(second, body).status, 200);
    }
  };
  std::thread t1(deliver, *port_a, *port_b, 0), t2(deliver, *port_b, *port_a, 1);
  t1.join();
  t2.join();

  std::map<std::string, int> counts;
  ASSERT_TRUE(sbtest::eventually(
      [&] { return (counts = sbtest::processedCounts(*port_a)).size() == kEvents; },
      std::chrono::seconds(60)))
      << counts.size() << " of " << kEvents << " processed\n"
      << a.output() << b.output();
  for (const auto& [id, n] : counts) EXPECT_EQ(n, 1) << id << " processed " << n << " times";

  switchboard::kernel::storage::Database db(*switchboard::kernel::storage::StorageUrl::parse(url),
                                            1);
  auto session = db.session();
  int rows = 0, processes = 0;
  *session << "SELECT COUNT(*) FROM inbox", soci::into(rows);
  *session << "SELECT COUNT(DISTINCT pid) FROM courier_processed", soci::into(processes);
  EXPECT_EQ(rows, kEvents) << "one inbox row per event, duplicates acknowledged only";
  EXPECT_EQ(processes, 2) << "both processes share the work";
  EXPECT_EQ(counts, sbtest::processedCounts(*port_b));
}

}  // namespace
