// The "call an upstream, then record what happened" pattern with a crash between the call and
// the record: the server books upstream, dies before recording, restarts; the job runs again
// and finds the first booking — through the idempotency key where the upstream honours one,
// else by looking it up by our reference — and records it once. One booking upstream.
#include <gtest/gtest.h>

#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "support/eventually.h"
#include "support/http_client.h"
#include "support/paths.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "switchboard/json.h"
#include "switchboard/testing/fake_upstream.h"

namespace {

using namespace std::chrono_literals;
using switchboard::testing::FakeUpstream;
using switchboard::testing::RecordedRequest;
using switchboard::testing::Reply;

// A booking API as a real one behaves: it creates a booking per POST, except that, when
// `honours_keys`, a repeated Idempotency-Key with the same body gets the first answer and with
// another body a 400 idempotency_error (Stripe's documented behaviour).
class BookingApi {
 public:
  explicit BookingApi(bool honours_keys) {
    api.on("POST", "/bookings", [this, honours_keys](const RecordedRequest& r) {
      std::unique_lock lock(mutex_);
      // Held until the test has its 202: the server dies right after this answer, and must not
      // die before it has answered the request that queued the job.
      gate_.wait_for(lock, std::chrono::seconds(20), [&] { return open_; });
      const auto key = r.header("idempotency-key");
      if (honours_keys && key && by_key_.count(std::string(*key))) {
        const auto& [body, first] = by_key_[std::string(*key)];
        if (body == r.body) return first;
        return Reply::json(400, R"({"error":{"type":"idempotency_error","message":"Keys for )"
                                R"(idempotent requests can only be used with the same parameters )"
                                R"(they were first used with."}})");
      }
      const auto reference =
          switchboard::json::parse(r.body).root().string("reference").value_or("");
      const std::string id = "bk-" + std::to_string(++created_);
      by_reference_[reference] = id;
      auto reply = Reply::json(201, R"({"data":{"id":")" + id + R"("}})");
      if (honours_keys && key) by_key_[std::string(*key)] = {r.body, reply};
      return reply;
    });
    api.on("GET", "/bookings", [this](const RecordedRequest& r) {
      std::lock_guard lock(mutex_);
      const auto it = by_reference_.find(r.queryParam("reference").value_or(""));
      return Reply::json(200, it == by_reference_.end()
                                  ? R"({"data":[]})"
                                  : R"({"data":[{"id":")" + it->second + R"("}]})");
    });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    gate_.notify_all();
  }
  int created() {
    std::lock_guard lock(mutex_);
    return created_;
  }

  FakeUpstream api;

 private:
  std::mutex mutex_;
  std::condition_variable gate_;
  bool open_ = false;
  int created_ = 0;
  std::map<std::string, std::pair<std::string, Reply>> by_key_;  // key → first body, answer
  std::map<std::string, std::string> by_reference_;
};

std::string config(const sbtest::TempDir& dir, const std::string& base_url, bool lookup,
                   const std::string& marker, const std::string& inbox = "workers: 1") {
  return "plugin_dirs: [\"" + sbtest::testPluginDir() + "\"]\n" + "storage: { url: \"sqlite://" +
         (dir.path() / "booker.db").string() + "\" }\n" + "inbox: { " + inbox +
         ", poll_ms: 20, lease_ms: 300 }\n"
         "plugins:\n"
         "  booker:\n"
         "    library: booker\n"
         "    http_client: { max_attempts: 1 }\n"
         "    config: { base_url: \"" +
         base_url + "\", lookup: " + (lookup ? "true" : "false") + ", crash_marker: \"" + marker +
         "\" }\n"
         "routes:\n"
         "  - { method: POST, path: /intents, plugin: booker, handler: intend }\n"
         "  - { method: GET, path: \"/intents/{id}\", plugin: booker, handler: intent }\n"
         "  - { method: POST, path: /intents_inline, plugin: booker, handler: intend_inline }\n";
}

class UpstreamCall : public ::testing::TestWithParam<bool> {};

TEST_P(UpstreamCall, ACrashBetweenTheCallAndTheRecordBooksOnceAndRecordsOnce) {
  const bool lookup = GetParam();
  BookingApi upstream(!lookup);
  sbtest::TempDir dir;
  const auto marker = (dir.path() / "crash-now").string();
  std::ofstream(marker) << "x";
  const auto file = dir.write("c.yaml", config(dir, upstream.api.url(), lookup, marker));
  const std::vector<std::string> serve = {
      sbtest::serverBinary(), "serve", "--config", file, "--listen", "127.0.0.1:0"};
  {
    sbtest::ServerProcess first(serve);
    const auto port = first.waitUntilListening();
    ASSERT_TRUE(port) << first.output();
    EXPECT_EQ(sbtest::request(*port, "POST", "/intents", R"({"id":"i-1","slot":"10:00"})").status,
              202);
    upstream.open();
    // The job books upstream, then the process dies before recording it.
    EXPECT_EQ(first.waitForExit(), 3) << first.output();
  }
  EXPECT_EQ(upstream.created(), 1);

  sbtest::ServerProcess second(serve);
  const auto port = second.waitUntilListening();
  ASSERT_TRUE(port) << second.output();
  std::string state;
  EXPECT_TRUE(sbtest::eventually([&] {
    state = sbtest::request(*port, "GET", "/intents/i-1").body;
    return state != R"({"booking_id":"","recorded":0})";
  })) << second.output();
  EXPECT_EQ(state, R"({"booking_id":"bk-1","recorded":1})");
  EXPECT_EQ(upstream.created(), 1);  // the retry found the first booking
  const auto posts = upstream.api.requests("POST", "/bookings");
  if (lookup) {
    EXPECT_EQ(posts.size(), 1u);
    EXPECT_EQ(upstream.api.requests("GET", "/bookings").size(), 2u);
    EXPECT_FALSE(posts[0].header("idempotency-key"));
  } else {
    ASSERT_EQ(posts.size(), 2u);
    EXPECT_EQ(posts[0].header("idempotency-key"), "booking:i-1");
    EXPECT_EQ(posts[1].header("idempotency-key"), "booking:i-1");
    EXPECT_EQ(posts[1].body, posts[0].body);  // the repeat is the same request
    // The key reused with another body is refused, not answered as the first.
    const auto refused =
        sbtest::request(upstream.api.port(), "POST", "/bookings", R"({"reference":"i-2"})",
                        {{"Idempotency-Key", "booking:i-1"}, {"Content-Type", "application/json"}});
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(upstream.created(), 1);
  }
}

// Upstream calls claimed together are made one after another under one lease. More of them than
// fit in it: past half the lease the calls not yet made go back to be claimed afresh, so no
// lease runs out while its call is still to come, and no other worker makes a call again.
TEST(UpstreamCalls, CallsClaimedTogetherThatOutlastHalfTheirLeaseAreGivenBackNotMadeTwice) {
  std::mutex mutex;
  std::map<std::string, int> posts;  // by idempotency key
  int created = 0;
  FakeUpstream api;
  api.on("POST", "/bookings", [&](const RecordedRequest& r) {
    std::this_thread::sleep_for(100ms);  // the upstream's latency: 8 calls outlast a lease
    std::lock_guard lock(mutex);
    ++posts[std::string(r.header("idempotency-key").value_or(""))];
    return Reply::json(201, R"({"data":{"id":"bk-)" + std::to_string(++created) + R"("}})");
  });
  sbtest::TempDir dir;
  const auto file = dir.write(
      "c.yaml", config(dir, api.url(), false, (dir.path() / "no-crash").string(), "workers: 2"));
  sbtest::ServerProcess server(
      {sbtest::serverBinary(), "serve", "--config", file, "--listen", "127.0.0.1:0"});
  const auto port = server.waitUntilListening();
  ASSERT_TRUE(port) << server.output();
  // Both workers are soon busy with a call each; the rest wait and are claimed together.
  constexpr int kIntents = 10;
  for (int i = 0; i < kIntents; ++i)
    ASSERT_EQ(sbtest::request(*port, "POST", "/intents",
                              R"({"id":"i-)" + std::to_string(i) + R"(","slot":"10:00"})")
                  .status,
              202);
  for (int i = 0; i < kIntents; ++i) {
    const std::string path = "/intents/i-" + std::to_string(i);
    std::string state;
    EXPECT_TRUE(sbtest::eventually(
        [&] {
          state = sbtest::request(*port, "GET", path).body;
          return state.find(R"("recorded":1)") != std::string::npos;
        },
        30s))
        << path << ": " << state << "\n"
        << server.output();
  }
  std::lock_guard lock(mutex);
  EXPECT_EQ(posts.size(), static_cast<std::size_t>(kIntents));
  for (const auto& [key, count] : posts) EXPECT_EQ(count, 1) << key << " was booked twice";
  EXPECT_EQ(created, kIntents);
}

// The rule "no upstream call inside a transaction" is checked: under the test kit
// (SWITCHBOARD_STRICT=1) the call is refused before anything is sent, the transaction rolls
// back and the log names the plugin and the call.
TEST(UpstreamCalls, AnUpstreamCallInsideATransactionIsRefusedLoudly) {
  FakeUpstream api;
  api.on("POST", "/bookings",
         [](const RecordedRequest&) { return Reply::json(201, R"({"data":{"id":"bk-1"}})"); });
  sbtest::TempDir dir;
  const auto file =
      dir.write("c.yaml", config(dir, api.url(), false, (dir.path() / "no-crash").string()));
  sbtest::ServerProcess server(
      {sbtest::serverBinary(), "serve", "--config", file, "--listen", "127.0.0.1:0"});
  const auto port = server.waitUntilListening();
  ASSERT_TRUE(port) << server.output();
  EXPECT_EQ(sbtest::request(*port, "POST", "/intents_inline", R"({"id":"i-9"})").status, 500);
  EXPECT_TRUE(api.requests("POST", "/bookings").empty());
  EXPECT_EQ(sbtest::request(*port, "GET", "/intents/i-9").body,
            R"({"booking_id":"","recorded":0})");  // rolled back: no such intent
  EXPECT_NE(server.output().find("plugin 'booker' called"), std::string::npos) << server.output();
  EXPECT_NE(server.output().find("inside a database transaction"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(ByIdempotencyKeyOrByLookup, UpstreamCall, ::testing::Bool(),
                         [](const auto& info) {
                           return info.param ? "LookupByReference" : "IdempotencyKey";
                         });

}  // namespace
