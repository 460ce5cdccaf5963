// The outbound client's policy with a scripted transport and a fake clock: which outcomes are
// retried, how long it waits (full jitter, Retry-After), the breaker's transitions, metrics and
// redaction. Against a real HTTP server: tests/integration/upstream_client_test.cpp.
#include "net/upstream_client.h"

#include <gtest/gtest.h>

#include <deque>

#include "net/redaction.h"
#include "net/retry_after.h"
#include "runtime/clocks.h"
#include "support/capturing_sink.h"

namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using switchboard::OutboundRequest;
using switchboard::OutboundResponse;

OutboundResponse answer(int status, std::vector<switchboard::HttpHeader> headers = {}) {
  OutboundResponse r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

OutboundResponse refused() {
  OutboundResponse r;
  r.error = "Couldn't connect to server";
  r.connect_failed = true;
  return r;
}

OutboundResponse timedOut() {
  OutboundResponse r;
  r.error = "Timeout was reached";
  r.timed_out = true;
  return r;
}

class ScriptedTransport final : public switchboard::kernel::net::Transport {
 public:
  std::deque<OutboundResponse> script;
  std::vector<OutboundRequest> sent;
  std::vector<milliseconds> connect_timeouts;

  OutboundResponse perform(const OutboundRequest& request, milliseconds connect) override {
    sent.push_back(request);
    connect_timeouts.push_back(connect);
    if (script.empty()) return answer(200);
    auto r = script.front();
    script.pop_front();
    return r;
  }
};

class UpstreamClientTest : public ::testing::Test {
 protected:
  switchboard::kernel::runtime::ManualClock clock{
      switchboard::TimePoint(std::chrono::hours(24 * 20000))};
  ScriptedTransport transport;
  switchboard::kernel::net::BreakerBoard breakers;
  switchboard::kernel::observability::UpstreamMetrics metrics;
  std::vector<milliseconds> slept;
  std::vector<
      std::pair<switchboard::kernel::net::BreakerKey, switchboard::kernel::net::BreakerState>>
      transitions;
  std::shared_ptr<sbtest::CapturingSink> sink = std::make_shared<sbtest::CapturingSink>();
  switchboard::kernel::config::OutboundConfig settings;

  switchboard::kernel::net::UpstreamClient client(const std::string& plugin = "calcom") {
    auto log = std::make_shared<spdlog::logger>(plugin, sink);
    log->set_level(spdlog::level::debug);
    return switchboard::kernel::net::UpstreamClient(
        plugin, settings, log,
        {transport, breakers, metrics, clock,
         [this](milliseconds d) {
           slept.push_back(d);
           clock.advance(d);
         },
         [] { return 0.5; },
         [this](const switchboard::kernel::net::BreakerKey& k,
                switchboard::kernel::net::BreakerState s) { transitions.emplace_back(k, s); }});
  }
};

TEST_F(UpstreamClientTest, A5xxIsRetriedWithFullJitterBackoffThenSucceeds) {
  settings.backoff_base = 200ms;
  transport.script = {answer(503), answer(502), answer(200)};
  const auto r = client().send({"GET", "https://api.cal.com/v2/slots"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.attempts, 3);
  // unit draw 0.5: half of 200 ms, then half of 400 ms.
  EXPECT_EQ(slept, (std::vector<milliseconds>{100ms, 200ms}));
}

TEST_F(UpstreamClientTest, BackoffIsCappedAndAttemptsAreLimited) {
  settings.backoff_base = 1000ms;
  settings.backoff_cap = 1500ms;
  settings.max_attempts = 4;
  transport.script = {answer(500), answer(500), answer(500), answer(500), answer(200)};
  const auto r = client().send({"GET", "https://api.cal.com/v2/slots"});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.attempts, 4);
  EXPECT_EQ(transport.sent.size(), 4u);
  EXPECT_EQ(slept, (std::vector<milliseconds>{500ms, 750ms, 750ms}));
}

TEST_F(UpstreamClientTest, RetryAfterInSecondsIsWaitedExactly) {
  transport.script = {answer(429, {{"retry-after", "2"}}), answer(200)};
  const auto r = client().send({"GET", "https://api.cal.com/v2/slots"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(slept, (std::vector<milliseconds>{2000ms}));
}

TEST_F(UpstreamClientTest, RetryAfterAsAnHttpDateIsWaitedUntilThatTime) {
  clock.set(switchboard::TimePoint(std::chrono::seconds(784111777)));  // Sun, 06 Nov 1994 08:49:37
  transport.script = {answer(503, {{"retry-after", "Sun, 06 Nov 1994 08:49:40 GMT"}}), answer(200)};
  const auto r = client().send({"GET", "https://api.cal.com/v2/slots"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(slept, (std::vector<milliseconds>{3000ms}));
}

TEST_F(UpstreamClientTest, ARetryAfterLongerThanTheClientWaitsGoesBackToTheCaller) {
  settings.max_retry_after = 30000ms;
  transport.script = {answer(429, {{"retry-after", "120"}}), answer(200)};
  const auto r = client().send({"GET", "https://api.cal.com/v2/slots"});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_TRUE(slept.empty());
  ASSERT_TRUE(r.retry_after.has_value());
  EXPECT_EQ(*r.retry_after, 120000ms);
}

TEST_F(UpstreamClientTest, APostIsNotRepeatedWithoutAnIdempotencyKey) {
  transport.script = {answer(503), answer(200)};
  const auto r =
      client().send(OutboundRequest("POST", "https://api.cal.com/v2/bookings").json("{}"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_TRUE(slept.empty());
}

TEST_F(UpstreamClientTest, APostWithAnIdempotencyKeyIsRepeatedWithTheSameKey) {
  transport.script = {timedOut(), answer(500), answer(201)};
  OutboundRequest request("POST", "https://api.stripe.com/v1/refunds");
  request.idempotency_key = "refund-42";
  const auto r = client("stripe").send(request);
  EXPECT_EQ(r.status, 201);
  ASSERT_EQ(transport.sent.size(), 3u);
  for (const auto& sent : transport.sent)
    EXPECT_EQ(switchboard::findHeader(sent.headers, "Idempotency-Key"), "refund-42");
}

TEST_F(UpstreamClientTest, AnUpstreamWithoutKeysGetsNoHeaderButTheRetry) {
  transport.script = {answer(502), answer(201)};
  OutboundRequest request("POST", "https://api.cal.com/v2/bookings");
  request.idempotency_key = "appointment-7";
  request.idempotency_header.clear();  // Cal.com has none: the caller looks a repeat up itself
  const auto r = client().send(request);
  EXPECT_EQ(r.status, 201);
  ASSERT_EQ(transport.sent.size(), 2u);
  EXPECT_FALSE(switchboard::findHeader(transport.sent[0].headers, "Idempotency-Key"));
}

TEST_F(UpstreamClientTest, AConnectionNeverMadeIsRetriedWhateverTheMethod) {
  transport.script = {refused(), answer(200)};
  const auto r = client().send({"POST", "https://api.cal.com/v2/bookings"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.attempts, 2);
}

TEST_F(UpstreamClientTest, ClientErrorsAndRetryFalseAreNotRetried) {
  transport.script = {answer(404), answer(503), answer(200)};
  EXPECT_EQ(client().send({"GET", "https://api.cal.com/v2/x"}).status, 404);
  OutboundRequest once("GET", "https://api.cal.com/v2/x");
  once.retry = false;
  EXPECT_EQ(client().send(once).status, 503);
  EXPECT_EQ(transport.sent.size(), 2u);
}

TEST_F(UpstreamClientTest, TimeoutsComeFromTheSettingsUnlessTheRequestSetsOne) {
  settings.timeout = 4000ms;
  settings.connect_timeout = 700ms;
  client().send({"GET", "https://api.cal.com/v2/x"});
  OutboundRequest quick("GET", "https://api.cal.com/v2/x");
  quick.timeout = 250ms;
  client().send(quick);
  ASSERT_EQ(transport.sent.size(), 2u);
  EXPECT_EQ(transport.sent[0].timeout, 4000ms);
  EXPECT_EQ(transport.sent[1].timeout, 250ms);
  EXPECT_EQ(transport.connect_timeouts[0], 700ms);
}

TEST_F(UpstreamClientTest, TheBreakerOpensHalfOpensAndClosesPerTenant) {
  settings.breaker_failures = 3;
  settings.breaker_cooldown = 10000ms;
  auto c = client();
  OutboundRequest request("GET", "https://api.cal.com/v2/slots");
  request.tenant = "salon-mitte";
  request.retry = false;
  transport.script = {answer(500), timedOut(), answer(503)};
  for (int i = 0; i < 3; ++i) EXPECT_NE(c.send(request).status, 200);
  ASSERT_EQ(transitions.size(), 1u);
  EXPECT_EQ(transitions[0].second, switchboard::kernel::net::BreakerState::Open);
  EXPECT_EQ(transitions[0].first.tenant, "salon-mitte");

  // Open: refused without a call.
  const auto refused_now = c.send(request);
  EXPECT_TRUE(refused_now.circuit_open);
  EXPECT_EQ(refused_now.attempts, 0);
  EXPECT_EQ(transport.sent.size(), 3u);
  EXPECT_EQ(refused_now.retry_after, 10000ms);  // a job waits out the cool-down
  clock.advance(4s);
  EXPECT_EQ(c.send(request).retry_after, 6000ms);

  // Another company's calls to the same upstream still go.
  OutboundRequest other = request;
  other.tenant = "brooklyn-barbers";
  EXPECT_EQ(c.send(other).status, 200);

  // After the cool-down one probe goes; it fails: open again.
  clock.advance(10s);
  transport.script = {answer(502)};
  EXPECT_EQ(c.send(request).status, 502);
  EXPECT_TRUE(c.send(request).circuit_open);
  // The next probe succeeds: closed.
  clock.advance(10s);
  EXPECT_EQ(c.send(request).status, 200);
  EXPECT_EQ(c.send(request).status, 200);
  ASSERT_EQ(transitions.size(), 3u);
  EXPECT_EQ(transitions[1].second, switchboard::kernel::net::BreakerState::Open);
  EXPECT_EQ(transitions[2].second, switchboard::kernel::net::BreakerState::Closed);
  EXPECT_NE(sink->text().find("circuit to api.cal.com for salon-mitte opened"), std::string::npos)
      << sink->text();
}

TEST_F(UpstreamClientTest, ABreakerOpeningMidRetryStopsTheRetries) {
  settings.breaker_failures = 2;
  settings.max_attempts = 5;
  transport.script = {answer(503), answer(503), answer(200)};
  const auto r = client().send({"GET", "https://api.cal.com/v2/slots"});
  EXPECT_EQ(r.status, 503);  // the last real answer, not a bare "circuit open"
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(transport.sent.size(), 2u);
}

TEST_F(UpstreamClientTest, MetricsCountAttemptsByPluginUpstreamAndStatus) {
  transport.script = {answer(503), timedOut(), answer(200)};
  client("twilio").send(
      {"GET", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/SM1.json"});
  std::string out;
  metrics.render(out);
  for (const char* status : {"503", "timeout", "200"})
    EXPECT_NE(out.find(std::string("switchboard_upstream_requests_total{plugin=\"twilio\","
                                   "upstream=\"api.twilio.com\",status=\"") +
                       status + "\"} 1"),
              std::string::npos)
        << out;
  EXPECT_NE(out.find("switchboard_upstream_request_duration_seconds_count{plugin=\"twilio\","
                     "upstream=\"api.twilio.com\"} 3"),
            std::string::npos)
      << out;
}

TEST_F(UpstreamClientTest, ATokenInTheUrlPathNeverReachesTheLog) {
  const std::string token = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
  transport.script = {answer(502), answer(502), answer(502)};
  OutboundRequest request("POST", "https://api.telegram.org/bot" + token + "/sendMessage");
  request.secrets = {token};
  request.idempotency_key = "alert-1";
  client("telegram").send(request);
  const auto log = sink->text();
  EXPECT_NE(log.find("https://api.telegram.org/bot***/sendMessage"), std::string::npos) << log;
  EXPECT_EQ(log.find(token), std::string::npos) << log;
}

TEST(Redaction, CredentialsInUrlsAndHeadersAreHidden) {
  using switchboard::kernel::net::redactUrl;
  EXPECT_EQ(redactUrl("https://AC123:s3cr3t@api.twilio.com/x", {}), "https://***@api.twilio.com/x");
  EXPECT_EQ(redactUrl("https://h/p?apiKey=abc&page=2&access_token=zzz", {}),
            "https://h/p?apiKey=***&page=2&access_token=***");
  OutboundRequest r("GET", "https://h/p");
  r.basicAuth("AC123", "twilio-auth-token");
  r.bearer("cal_live_0123456789");
  const auto secrets = switchboard::kernel::net::secretsOf(r);
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "twilio-auth-token"), secrets.end());
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "cal_live_0123456789"), secrets.end());
  EXPECT_EQ(redactUrl("https://h/p?x=cal_live_0123456789", secrets), "https://h/p?x=***");
}

TEST(RetryAfter, ParsesSecondsAndHttpDatesAndRefusesTheRest) {
  const auto now = switchboard::TimePoint(std::chrono::seconds(784111777));
  using switchboard::kernel::net::parseRetryAfter;
  EXPECT_EQ(parseRetryAfter("120", now), milliseconds(120000));
  EXPECT_EQ(parseRetryAfter(" 0 ", now), milliseconds(0));
  EXPECT_EQ(parseRetryAfter("Sun, 06 Nov 1994 08:49:47 GMT", now), milliseconds(10000));
  EXPECT_EQ(parseRetryAfter("Sun, 06 Nov 1994 08:49:00 GMT", now), milliseconds(0));  // past
  EXPECT_FALSE(parseRetryAfter("soon", now));
  EXPECT_FALSE(parseRetryAfter("-1", now));
  EXPECT_FALSE(parseRetryAfter("1.5", now));
  EXPECT_FALSE(parseRetryAfter("", now));
}

TEST(FormEncoding, EncodesAsTwilioExpects) {
  EXPECT_EQ(switchboard::formEncode({{"To", "+4915112345678"}, {"Body", "Hi & bye ü"}}),
            "To=%2B4915112345678&Body=Hi%20%26%20bye%20%C3%BC");
}

}  // namespace
