// The HTTP front end end to end: the real kernel on a loopback port, raw HTTP/1.1 requests.
#include <gtest/gtest.h>

#include <future>

#include "runtime/clocks.h"
#include "support/eventually.h"
#include "support/http_client.h"
#include "support/kernel_harness.h"

namespace {

using sbtest::Connection;
using sbtest::request;

const char* kConfig =
    "server: { threads: 2, max_body_bytes: 65536 }\n"
    "plugins:\n  probe: { library: probe, config: { greeting: howdy } }\n"
    "routes:\n"
    "  - { method: POST, path: \"/webhooks/{provider}\", plugin: probe, handler: echo }\n"
    "  - { method: GET, path: \"/webhooks/{provider}\", plugin: probe, handler: echo }\n"
    "  - { method: GET, path: /boom, plugin: probe, handler: boom }\n"
    "  - { method: POST, path: /publish, plugin: probe, handler: publish }\n"
    "  - { method: GET, path: /events, plugin: probe, handler: events }\n"
    "  - { method: GET, path: /time, plugin: probe, handler: time }\n"
    "events:\n"
    "  probe.poked: [probe.explode, probe.record]\n";

class Http : public ::testing::Test {
 protected:
  void SetUp() override { h.start(); }
  sbtest::KernelHarness h{kConfig};
};

TEST_F(Http, RoutesToThePluginHandlerWithParamsQueryHeadersAndBody) {
  const auto r = request(h.port(), "POST", "/webhooks/retell?x=1&name=J%C3%BCrgen+M", "{\"a\":1}",
                         {{"X-Test", "yes"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_NE(r.body.find(R"("greeting":"howdy")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("params":{"provider":"retell"})"), std::string::npos);
  EXPECT_NE(r.body.find("\"name\":\"J\xC3\xBCrgen M\""), std::string::npos);
  EXPECT_NE(r.body.find(R"("body_bytes":7)"), std::string::npos);
  EXPECT_NE(r.body.find(R"("x_test":"yes")"), std::string::npos);
}

TEST_F(Http, UnknownPathIs404AsJsonWithTheRequestId) {
  const auto r = request(h.port(), "GET", "/nowhere");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/json");
  const auto id = r.header("x-request-id");
  ASSERT_EQ(id.size(), 32u);
  EXPECT_EQ(r.body, R"({"error":{"status":404,"message":"no route for /nowhere","request_id":")" +
                        id + R"("}})");
}

TEST_F(Http, WrongMethodIs405WithAllow) {
  const auto r = request(h.port(), "DELETE", "/webhooks/stripe");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "POST, GET");
  EXPECT_NE(r.body.find("DELETE is not allowed"), std::string::npos);
}

TEST_F(Http, BodyOverTheLimitIs413AsJson) {
  const auto ok = request(h.port(), "POST", "/webhooks/retell", std::string(65536, 'a'));
  EXPECT_EQ(ok.status, 200);
  const auto r = request(h.port(), "POST", "/webhooks/retell", std::string(65537, 'a'));
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("exceeds the limit of 65536"), std::string::npos) << r.body;
  EXPECT_FALSE(r.header("x-request-id").empty());
}

TEST_F(Http, BodyFarOverTheLimitIsRefusedToo) {
  const auto r = request(h.port(), "POST", "/webhooks/retell", std::string(1 << 20, 'a'));
  EXPECT_EQ(r.status, 413);
}

TEST_F(Http, RequestIdIsTakenFromTheRequestWhenSafe) {
  auto r = request(h.port(), "GET", "/webhooks/x", "", {{"X-Request-Id", "trace-42.a_b"}});
  EXPECT_EQ(r.header("x-request-id"), "trace-42.a_b");
  EXPECT_NE(r.body.find(R"("request_id":"trace-42.a_b")"), std::string::npos);
  r = request(h.port(), "GET", "/webhooks/x", "", {{"X-Request-Id", "bad id with spaces"}});
  EXPECT_EQ(r.header("x-request-id").size(), 32u);
}

TEST_F(Http, HandlerExceptionIs500WithRequestIdAndTheServerLivesOn) {
  const auto r = request(h.port(), "GET", "/boom");
  EXPECT_EQ(r.status, 500);
  const auto id = r.header("x-request-id");
  EXPECT_NE(r.body.find(id), std::string::npos);
  EXPECT_EQ(r.body.find("kaboom"), std::string::npos) << "internals stay in the log";
  EXPECT_NE(h.logs().find("request " + id + " GET /boom: handler failed: kaboom"),
            std::string::npos);
  EXPECT_EQ(request(h.port(), "GET", "/api/health").status, 200);
}

TEST_F(Http, Http11WithoutConnectionHeaderStaysAlive) {
  Connection c(h.port());
  c.sendRaw("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto first = c.read();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.header("connection"), "keep-alive");
  c.sendRaw("GET /webhooks/second HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto second = c.read();
  EXPECT_EQ(second.status, 200);
  EXPECT_NE(second.body.find(R"("provider":"second")"), std::string::npos);
}

TEST_F(Http, ConnectionCloseIsHonoured) {
  Connection c(h.port());
  c.sendRaw("GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(c.read().header("connection"), "close");
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(5)));
}

TEST_F(Http, Http10WithoutKeepAliveIsClosed) {
  Connection c(h.port());
  c.sendRaw("GET /api/health HTTP/1.0\r\n\r\n");
  EXPECT_EQ(c.read().header("connection"), "close");
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(5)));
}

TEST_F(Http, PublishedEventsReachSubscribersEvenWhenAnEarlierOneThrows) {
  const auto published =
      request(h.port(), "POST", "/publish?topic=probe.poked&tenant=salon", R"({"n":1})");
  ASSERT_EQ(published.status, 202);
  const auto id = published.body.substr(7, 32);
  const auto events = request(h.port(), "GET", "/events");
  EXPECT_NE(events.body.find(R"("topic":"probe.poked","id":")" + id + R"(","tenant":"salon")"),
            std::string::npos)
      << events.body;
  EXPECT_NE(events.body.find(R"("payload":"{\"n\":1}")"), std::string::npos);
  EXPECT_NE(h.logs().find("event " + id + " on probe.poked: handler probe.explode failed"),
            std::string::npos);
}

TEST_F(Http, EventsWithoutSubscribersAreDroppedQuietly) {
  EXPECT_EQ(request(h.port(), "POST", "/publish?topic=nobody.listens", "{}").status, 202);
  EXPECT_EQ(request(h.port(), "GET", "/events").body, "[]");
}

TEST_F(Http, MetricsCountRequestsByRouteAndStatusAndEvents) {
  request(h.port(), "GET", "/webhooks/a");
  request(h.port(), "GET", "/webhooks/b");
  request(h.port(), "GET", "/boom");
  request(h.port(), "GET", "/missing");
  request(h.port(), "POST", "/publish?topic=probe.poked", "{}");
  // A request leaves in-flight once its bytes are written, which the reactor notes just after
  // the client may already have them: poll until the earlier requests are all accounted for.
  const std::vector<std::string> lines = {
      "switchboard_http_requests_total{route=\"GET /webhooks/{provider}\",status=\"200\"} 2",
      "switchboard_http_requests_total{route=\"GET /boom\",status=\"500\"} 1",
      "switchboard_http_requests_total{route=\"unmatched\",status=\"404\"} 1",
      "switchboard_http_request_duration_seconds_count{route=\"GET /webhooks/{provider}\"} 2",
      "switchboard_events_published_total 1",
      "switchboard_events_handled_total 1",
      "switchboard_events_failed_total 1",
      "switchboard_plugins_running 1",
      "switchboard_config_generation 1",
      "switchboard_http_requests_in_flight 1"};
  sbtest::Response m;
  const auto all_present = [&] {
    m = request(h.port(), "GET", "/api/health/metrics");
    for (const auto& line : lines)
      if (m.body.find(line + "\n") == std::string::npos) return false;
    return true;
  };
  sbtest::eventually(all_present, std::chrono::seconds(5));
  EXPECT_EQ(m.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  for (const auto& line : lines)
    EXPECT_NE(m.body.find(line + "\n"), std::string::npos) << line << "\n" << m.body;
}

TEST_F(Http, DetailedHealthReportsPluginsAndGeneration) {
  const auto r = request(h.port(), "GET", "/api/health/detailed");
  EXPECT_EQ(r.status, 200);
  for (const std::string part :
       {R"("status":"ok")", R"("generation":1)", R"("name":"probe")", R"("plugin":"probe")",
        R"("version":"2.3.4")", R"("state":"running")",
        "\"load_ms\":", R"("http":{"ok":true,"connections_open":1.0,"max_connections":)"})
    EXPECT_NE(r.body.find(part), std::string::npos) << part << "\n" << r.body;
}

TEST(HttpClock, PluginsAndTheBusSeeTheInjectedClock) {
  switchboard::kernel::runtime::ManualClock clock(
      switchboard::TimePoint(std::chrono::milliseconds(1700000000000)));
  sbtest::KernelHarness h(kConfig, {}, &clock);
  h.start();
  EXPECT_EQ(request(h.port(), "GET", "/time").body, R"({"now_ms":1700000000000})");
  clock.advance(std::chrono::seconds(5));
  EXPECT_EQ(request(h.port(), "GET", "/time").body, R"({"now_ms":1700000005000})");
  request(h.port(), "POST", "/publish?topic=probe.poked", "{}");
  EXPECT_NE(request(h.port(), "GET", "/events").body.find(R"("time_ms":1700000005000)"),
            std::string::npos);
}

}  // namespace
