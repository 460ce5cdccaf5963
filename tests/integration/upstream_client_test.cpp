// A plugin's outbound calls through the real kernel (host.client() with the plugin's YAML
// `http_client:` settings) against the test kit's fake upstream, a real HTTP server: retries,
// real timeouts, Retry-After on the wire, the breaker in /api/health/detailed and in metrics.
#include <gtest/gtest.h>

#include "support/http_client.h"
#include "support/kernel_harness.h"
#include "switchboard/testing/fake_upstream.h"

namespace {

using namespace std::chrono_literals;
using switchboard::testing::FakeUpstream;
using switchboard::testing::Reply;

std::string config(const std::string& http_client) {
  return "plugins:\n  probe:\n    library: probe\n    http_client: " + http_client +
         "\nroutes:\n  - { method: GET, path: /fetch, plugin: probe, handler: fetch }\n"
         "  - { method: GET, path: /events, plugin: probe, handler: events }\n"
         "events:\n  upstream.circuit_opened: [probe.record]\n";
}

std::string fetch(std::uint16_t port, const std::string& url, const std::string& extra = "") {
  return sbtest::request(port, "GET", "/fetch?url=" + url + extra).body;
}

TEST(UpstreamCalls, TransientFailuresAreRetriedWithinOneCall) {
  FakeUpstream api;
  api.on("GET", "/v2/slots", Reply::json(200, R"({"data":{}})"));
  api.failNext("GET", "/v2/slots", 2, Reply::json(503, "{}").header("Retry-After", "0"));
  sbtest::KernelHarness h(config("{ max_attempts: 3, backoff_base_ms: 5 }"));
  h.start();
  EXPECT_EQ(fetch(h.port(), api.url() + "/v2/slots"),
            R"({"status":200,"bytes":11,"attempts":3,"timed_out":false,"circuit_open":false})");
  EXPECT_EQ(api.requests("GET", "/v2/slots").size(), 3u);
}

TEST(UpstreamCalls, APostIsSentOnceUnlessItCarriesAnIdempotencyKey) {
  FakeUpstream api;
  api.on("POST", "/v1/refunds", Reply::json(200, "{}"));
  api.failNext("POST", "/v1/refunds", 1, Reply::json(500, "{}"));
  sbtest::KernelHarness h(config("{ max_attempts: 3, backoff_base_ms: 5 }"));
  h.start();
  EXPECT_NE(fetch(h.port(), api.url() + "/v1/refunds", "&method=POST").find(R"("status":500)"),
            std::string::npos);
  EXPECT_EQ(api.requests("POST", "/v1/refunds").size(), 1u);

  api.failNext("POST", "/v1/refunds", 1, Reply::json(500, "{}"));
  EXPECT_NE(fetch(h.port(), api.url() + "/v1/refunds", "&method=POST&key=refund-9")
                .find(R"("status":200,"bytes":2,"attempts":2)"),
            std::string::npos);
  const auto sent = api.requests("POST", "/v1/refunds");
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1].header("idempotency-key"), "refund-9");
  EXPECT_EQ(sent[2].header("idempotency-key"), "refund-9");
}

TEST(UpstreamCalls, ASlowUpstreamTimesOutAtTheConfiguredTimeout) {
  FakeUpstream api;
  api.on("GET", "/slow", Reply::json(200, "{}").after(5s));
  sbtest::KernelHarness h(config("{ timeout_ms: 200, max_attempts: 2, backoff_base_ms: 1 }"));
  h.start();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(fetch(h.port(), api.url() + "/slow"),
            R"({"status":0,"bytes":0,"attempts":2,"timed_out":true,"circuit_open":false})");
  // Two attempts of 200 ms each, not the upstream's 5 s.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(api.waitFor("GET", "/slow", 2, 5s).size(), 2u);
}

TEST(UpstreamCalls, AnOpenBreakerShowsInHealthAndMetricsAndSparesTheUpstream) {
  FakeUpstream api;
  api.on("GET", "/down", Reply::json(502, "{}"));
  sbtest::KernelHarness h(
      config("{ max_attempts: 1, breaker_failures: 2, breaker_cooldown_ms: 600000 }"));
  h.start();
  const auto url = api.url() + "/down";
  const auto upstream = "127.0.0.1:" + std::to_string(api.port());
  for (int i = 0; i < 2; ++i)
    EXPECT_NE(fetch(h.port(), url, "&tenant=salon-mitte").find(R"("status":502)"),
              std::string::npos);
  EXPECT_NE(fetch(h.port(), url, "&tenant=salon-mitte").find(R"("circuit_open":true)"),
            std::string::npos);
  EXPECT_EQ(api.requests().size(), 2u);  // the third call never left
  // Another tenant's breaker is its own.
  EXPECT_NE(fetch(h.port(), url, "&tenant=brooklyn-barbers").find(R"("status":502)"),
            std::string::npos);

  // The opening is an event (for admin alerts), once per breaker.
  const auto events = sbtest::request(h.port(), "GET", "/events").body;
  EXPECT_NE(events.find(R"(upstream.circuit_opened)"), std::string::npos) << events;
  EXPECT_NE(events.find(R"(\"tenant\":\"salon-mitte\")"), std::string::npos) << events;

  const auto health = sbtest::request(h.port(), "GET", "/api/health/detailed").body;
  EXPECT_NE(health.find(R"("status":"degraded")"), std::string::npos) << health;
  EXPECT_NE(health.find(R"("upstream.probe.)" + upstream +
                        R"(.salon-mitte":{"ok":false,"consecutive_failures":2.0,"state":"open")"),
            std::string::npos)
      << health;
  EXPECT_NE(health.find(R"("probe.recorder":{"ok":true,"events_recorded":1.0})"), std::string::npos)
      << health;

  const auto metrics = sbtest::request(h.port(), "GET", "/api/health/metrics").body;
  const auto labels = "plugin=\"probe\",upstream=\"" + upstream + "\"";
  EXPECT_NE(metrics.find("switchboard_upstream_requests_total{" + labels + ",status=\"502\"} 3"),
            std::string::npos)
      << metrics;
  EXPECT_NE(
      metrics.find("switchboard_upstream_requests_total{" + labels + ",status=\"circuit_open\"} 1"),
      std::string::npos);
  EXPECT_NE(
      metrics.find("switchboard_upstream_breaker_state{" + labels + ",tenant=\"salon-mitte\"} 2"),
      std::string::npos);
  EXPECT_NE(metrics.find("switchboard_upstream_breaker_state{" + labels +
                         ",tenant=\"brooklyn-barbers\"} 0"),
            std::string::npos);
}

TEST(UpstreamCalls, HttpClientSettingsAreValidatedWithTheirPosition) {
  sbtest::KernelHarness h(config("{ timeout_ms: 0, retries: 3 }"));
  try {
    h.kernel().prepare(false);
    FAIL() << "a bad http_client section was accepted";
  } catch (const switchboard::kernel::config::ConfigInvalid& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(":5:"), std::string::npos) << what;
    EXPECT_NE(what.find("timeout_ms"), std::string::npos) << what;
    EXPECT_NE(what.find("retries"), std::string::npos) << what;
  }
}

}  // namespace
