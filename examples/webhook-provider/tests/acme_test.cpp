// The Acme plugin on the SDK's test kit: the real server (PluginHarness) with a real SQLite,
// Acme's API as a FakeUpstream, webhooks signed as Acme signs them.
#include <gtest/gtest.h>
#include <switchboard/crypto.h>
#include <switchboard/testing/fake_upstream.h>
#include <switchboard/testing/hostile_json.h>
#include <switchboard/testing/plugin_harness.h>

#include <thread>

namespace {

using namespace std::chrono_literals;
using switchboard::testing::FakeUpstream;
using switchboard::testing::PluginHarness;
using switchboard::testing::Reply;

const std::string kSecret = "whsec-acme-0123456789";

switchboard::testing::HarnessOptions options(const FakeUpstream& api) {
  switchboard::testing::HarnessOptions o;
  o.library = ACME_PLUGIN;
  o.instance = "acme";
  o.config["secret"] = "${ACME_SECRET}";
  o.config["api_key"] = "${ACME_KEY}";
  o.config["base_url"] = api.url();
  o.http_client["backoff_base_ms"] = 1;
  o.env = {{"ACME_SECRET", kSecret}, {"ACME_KEY", "acme-key-42"}};
  o.routes = {{"POST", "/webhooks/acme", "webhook", true},
              {"GET", "/parcels/{id}", "parcel", false}};
  return o;
}

switchboard::testing::Delivery deliver(const PluginHarness& h, const std::string& body,
                                       const std::string& secret = kSecret) {
  return switchboard::testing::postWebhook(
      h.url("/webhooks/acme"), body,
      {{"X-Acme-Signature", switchboard::crypto::hmacSha256Hex(secret, body)}});
}

// Polls the server until `done` holds (a condition, not a sleep), for up to 20 s.
template <class Done>
bool eventually(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::yield();
  }
  return done();
}

TEST(Acme, AWrongSignatureIs401AndStoresNothing) {
  FakeUpstream api;
  PluginHarness h(options(api));
  h.start();
  const auto body =
      R"({"id":"ev1","type":"parcel.updated","data":{"parcel":"p1","status":"sent"}})";
  EXPECT_EQ(deliver(h, body, "not-the-secret").status, 401);
  EXPECT_EQ(switchboard::testing::postWebhook(h.url("/webhooks/acme"), body, {}).status, 401);
  EXPECT_EQ(switchboard::testing::httpRequest("GET", h.url("/parcels/p1")).status, 404);
  EXPECT_EQ(deliver(h, R"({"id":"ev2"})").status, 400);  // no type: the sender's fault
}

TEST(Acme, HostileBodiesAreRefusedAndTheServerStaysUp) {
  FakeUpstream api;
  PluginHarness h(options(api));
  h.start();
  for (const auto& hostile : switchboard::testing::hostileJson()) {
    const auto status = deliver(h, hostile.body).status;
    EXPECT_TRUE(status == 400 || status == 413) << hostile.name << ": " << status;
  }
  EXPECT_EQ(switchboard::testing::httpRequest("GET", h.url("/parcels/p1")).status, 404);
}

TEST(Acme, ADeliveredParcelIsConfirmedUpstreamOnceEvenWhenAcmeFailsAndWebhooksRepeat) {
  FakeUpstream api;
  api.on("POST", "/v1/confirmations", Reply::json(201, R"({"id":"conf-1"})"));
  api.failNext("POST", "/v1/confirmations", 2, Reply::json(503, "{}"));
  PluginHarness h(options(api));
  h.start();
  const auto body =
      R"({"id":"ev9","type":"parcel.updated","data":{"parcel":"p9","status":"delivered"}})";
  EXPECT_EQ(deliver(h, body).status, 200);
  EXPECT_EQ(deliver(h, body).status, 200);  // Acme retried: acknowledged, not processed again

  std::string state;
  EXPECT_TRUE(eventually([&] {
    state = switchboard::testing::httpRequest("GET", h.url("/parcels/p9")).body;
    return state.find("conf-1") != std::string::npos;
  })) << state
      << h.output();
  EXPECT_EQ(state, R"({"parcel":"p9","status":"delivered","confirmation":"conf-1"})");
  const auto calls = api.requests("POST", "/v1/confirmations");
  ASSERT_EQ(calls.size(), 3u);  // two 503s retried by the SDK's client, then the answer
  for (const auto& c : calls) {
    EXPECT_EQ(c.header("authorization"), "Bearer acme-key-42");
    EXPECT_EQ(c.header("idempotency-key"), "confirm:p9");
    EXPECT_EQ(c.body, R"({"parcel":"p9"})");
  }
  EXPECT_EQ(h.output().find("acme-key-42"), std::string::npos) << "a secret reached the log";
}

TEST(Acme, TheCommandAndTheServiceAnswerFromStorage) {
  FakeUpstream api;
  PluginHarness h(options(api));
  h.start();
  EXPECT_EQ(
      deliver(h, R"({"id":"e1","type":"parcel.updated","data":{"parcel":"p2","status":"sent"}})")
          .status,
      200);
  EXPECT_TRUE(eventually([&] {
    return switchboard::testing::httpRequest("GET", h.url("/parcels/p2")).status == 200;
  }));
  std::string out;
  EXPECT_EQ(h.command({"parcel", "p2"}, out), 0) << out;
  EXPECT_EQ(out, "p2: sent\n");
  EXPECT_EQ(h.command({"parcel", "p404"}, out), 1);
  const auto health = switchboard::testing::httpRequest("GET", h.url("/api/health/detailed")).body;
  EXPECT_NE(health.find(R"("acme.confirmations":{"ok":true,"unconfirmed":0.0})"), std::string::npos)
      << health;
}

TEST(Acme, ABadConfigIsReportedWithItsPosition) {
  FakeUpstream api;
  auto o = options(api);
  o.config.remove("api_key");
  o.config["colour"] = "blue";
  PluginHarness h(o);
  try {
    h.start();
    FAIL() << "started without an api_key";
  } catch (const std::runtime_error& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("config.api_key is required"), std::string::npos) << text;
    EXPECT_NE(text.find("unknown key 'colour'"), std::string::npos) << text;
    EXPECT_NE(text.find(h.configPath() + ":"), std::string::npos) << text;
  }
}

}  // namespace
