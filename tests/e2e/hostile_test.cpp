// The shipped product tried as an attacker would (tests/support/shipped_server.h): bodies
// nested to overflow a recursive parser, numbers of megabytes, CR/LF in what gets logged,
// metadata naming another company, dates a century ahead, deliveries that can never be
// processed. Each asserts the status, that the server stays up, and what was stored or sent.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "retell_signature.h"
#include "support/eventually.h"
#include "support/future_call.h"
#include "support/http_client.h"
#include "support/inbox_idle.h"
#include "support/paths.h"
#include "support/shipped_server.h"
#include "switchboard/bounded_text.h"
#include "switchboard/crypto.h"
#include "switchboard/json.h"
#include "switchboard/testing/hostile_json.h"

namespace {

namespace json = switchboard::json;
using namespace sbtest::shipped;

long long nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const std::string kTelegramSecret = "telegram_demo_webhook_secret";  // scripts/run's demo value

std::string deep(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

// The server's resident memory, from /proc.
long rssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// The body of an inbound-call webhook to `to` from `from`.
std::string inbound(const std::string& from, const std::string& to) {
  return json::Builder()
      .object()
      .field("event", "call_inbound")
      .key("call_inbound")
      .object()
      .field("agent_id", "agent_123")
      .field("from_number", from)
      .field("to_number", to)
      .end()
      .end()
      .str();
}

// A live function call on the salon's number, its metadata and arguments as given.
std::string functionCall(const std::string& name, const std::string& metadata_json,
                         const std::string& args_json, const std::string& from = kCaller) {
  json::Builder b;
  b.object().field("name", name).key("call").object();
  b.field("call_id", "call_hostile").field("direction", "inbound");
  b.field("from_number", from).field("to_number", kSalonNumber).key("metadata");
  b.raw(metadata_json).end().key("args").raw(args_json).end();
  return b.str();
}

class Hostile : public ::testing::Test, protected ShippedServer {
 protected:
  void SetUp() override { start("sqlite"); }

  sbtest::Response post(const std::string& path, const std::string& body,
                        std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Content-Type", "application/json");
    return sbtest::request(port_, "POST", path, body, headers);
  }
  sbtest::Response postSignedRetell(const std::string& path, const std::string& body) {
    return post(path, body,
                {{"X-Retell-Signature", retell::signatureHeader(body, kRetellKey, nowMs())}});
  }
  sbtest::Response postCalcom(const std::string& body, const std::string& secret = kCalSecret) {
    return post("/webhooks/calcom", body,
                {{"X-Cal-Signature-256", switchboard::crypto::hmacSha256Hex(secret, body)}});
  }
  bool up() { return sbtest::request(port_, "GET", "/api/health").status == 200; }
  int inboxItems() { return std::stoi(column("SELECT COUNT(*) FROM inbox")); }
};

TEST_F(Hostile, NestingThatWouldOverflowTheStackIsRefusedOnEveryJsonRoute) {
  const auto body = deep(140000);  // 280 KB, under the 1 MiB body limit
  const std::string wrong = "v=1764233700000,d=" + std::string(64, 'a');
  EXPECT_EQ(post("/webhooks/retell", body, {{"X-Retell-Signature", wrong}}).status, 401);
  EXPECT_EQ(post("/webhooks/retell/inbound", body, {{"X-Retell-Signature", wrong}}).status, 401);
  EXPECT_EQ(
      post("/retell/functions/book_appointment", body, {{"X-Retell-Signature", wrong}}).status,
      401);
  EXPECT_EQ(post("/webhooks/calcom", body, {{"X-Cal-Signature-256", "00"}}).status, 401);
  // Signed, the same bodies are malformed JSON: 400 with the reason, nothing stored.
  for (const char* path :
       {"/webhooks/retell", "/webhooks/retell/inbound", "/retell/functions/book_appointment"}) {
    const auto r = postSignedRetell(path, body);
    EXPECT_EQ(r.status, 400) << path << ": " << r.body;
    EXPECT_NE(r.body.find("nested deeper than 64 levels"), std::string::npos) << r.body;
  }
  const auto cal = postCalcom(body);
  EXPECT_EQ(cal.status, 400) << cal.body;
  EXPECT_NE(cal.body.find("nested deeper than 64 levels"), std::string::npos) << cal.body;
  const auto telegram =
      post("/webhooks/telegram", body, {{"X-Telegram-Bot-Api-Secret-Token", kTelegramSecret}});
  EXPECT_EQ(telegram.status, 400) << telegram.body;
  EXPECT_TRUE(up()) << server_->output();
  EXPECT_EQ(inboxItems(), 0);
}

TEST_F(Hostile, TheTestKitsHostileBodiesSignedAreRefusedOnEveryJsonRoute) {
  for (const auto& [name, body] : switchboard::testing::hostileJson()) {
    for (const char* path :
         {"/webhooks/retell", "/webhooks/retell/inbound", "/retell/functions/book_appointment"}) {
      const auto r = postSignedRetell(path, body);
      EXPECT_TRUE(r.status == 400 || r.status == 413) << name << " " << path << ": " << r.status;
    }
    const auto cal = postCalcom(body);
    EXPECT_TRUE(cal.status == 400 || cal.status == 413) << name << ": " << cal.status;
    // Telegram's updates: refused when malformed; a valid value that is no update is ignored.
    const auto telegram =
        post("/webhooks/telegram", body, {{"X-Telegram-Bot-Api-Secret-Token", kTelegramSecret}});
    EXPECT_TRUE(telegram.status == 400 || telegram.status == 413 || telegram.status == 200)
        << name << ": " << telegram.status;
  }
  EXPECT_TRUE(up()) << server_->output();
  EXPECT_EQ(inboxItems(), 0);
}

TEST_F(Hostile, SignedBodiesThatAreNotJsonOrCanNeverBeProcessedAre400NamingTheField) {
  const auto text = postCalcom("this is not json");
  EXPECT_EQ(text.status, 400) << text.body;
  EXPECT_NE(text.body.find("malformed JSON"), std::string::npos) << text.body;
  const std::string created =
      R"({"triggerEvent":"BOOKING_CREATED","createdAt":"2026-12-01T10:00:00Z",)";
  const std::vector<std::pair<std::string, std::string>> broken = {
      {created + R"("payload":[]})", "'payload' must be an object"},
      {created +
           R"("payload":{"uid":"b1","startTime":"garbage","endTime":"2027-01-01T10:00:00Z"}})",
       "payload.startTime is not a time"},
      {created + R"("payload":{"uid":"b1","startTime":null,"endTime":"2027-01-01T10:00:00Z"}})",
       "payload.startTime is not a time"},
      {created +
           R"("payload":{"uid":"b1","startTime":"9999-01-01T10:00:00Z","endTime":"9999-01-01T11:00:00Z"}})",
       "payload.startTime is not a time"},
      {created +
           R"("payload":{"uid":"b1","startTime":"2027-01-01T10:00:00+25:00","endTime":"2027-01-01T11:00:00Z"}})",
       "payload.startTime is not a time"},
      {created +
           R"("payload":{"uid":"b1","startTime":"2027-01-01T11:00:00Z","endTime":"2027-01-01T10:00:00Z"}})",
       "payload.endTime is before payload.startTime"},
      {created +
           R"("payload":{"startTime":"2027-01-01T10:00:00Z","endTime":"2027-01-01T11:00:00Z"}})",
       "payload.uid"},
  };
  for (const auto& [body, why] : broken) {
    const auto r = postCalcom(body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_NE(r.body.find(why), std::string::npos) << body << ": " << r.body;
  }
  // An event we do not act on is still stored and acknowledged.
  EXPECT_EQ(postCalcom(R"({"triggerEvent":"PING","createdAt":"2026-12-01T10:00:00Z","payload":{}})")
                .status,
            200);
  EXPECT_EQ(inboxItems(), 1);
  EXPECT_TRUE(up());
}

// Memory measured from outside: under AddressSanitizer (scripts/test --sanitize) the server
// keeps what it frees in a quarantine (256 MB by default), which would read as held memory.
class HostileMemory : public Hostile {
 protected:
  void SetUp() override {
    const char* asan = std::getenv("ASAN_OPTIONS");
    const std::string options = asan ? std::string(asan) + ":" : std::string();
    start("sqlite", {{"ASAN_OPTIONS", options + "quarantine_size_mb=0"}});
  }
};

TEST_F(HostileMemory, UnsignedRequestsWithHugeNumbersLeaveNoMemoryBehind) {
  const auto before = rssKb(server_->pid());
  ASSERT_GT(before, 0);
  const std::string wrong = "v=1764233700000,d=" + std::string(64, 'a');
  for (int i = 0; i < 200; ++i) {
    std::string number = "+" + std::to_string(i);
    number.resize(512 * 1024, '7');  // each number unique, half a megabyte
    const auto body = R"({"event":"call_ended","call":{"call_id":"c)" + std::to_string(i) +
                      R"(","direction":"inbound","to_number":")" + number + R"("}})";
    ASSERT_EQ(post("/webhooks/retell", body, {{"X-Retell-Signature", wrong}}).status, 401) << i;
  }
  const auto after = rssKb(server_->pid());
  // 100 MB went through; before the fix a per-number cache kept all of it.
  EXPECT_LT(after - before, 40 * 1024) << "RSS " << before << " kB -> " << after << " kB";
  EXPECT_TRUE(up());
}

TEST_F(Hostile, NumbersOfThousandsOfDigitsAreNoNumberAndAnsweredAtOnce) {
  const std::string huge(20000, '4');
  const auto r = postSignedRetell("/webhooks/retell/inbound", inbound("+" + huge, "+" + huge));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto answer = json::parse(r.body).root()["call_inbound"];
  EXPECT_EQ(answer["dynamic_variables"].string("line_status"), "not_set_up") << r.body;
  EXPECT_EQ(answer["metadata"].string("reason"), "not a phone number") << r.body;
  // The repeated key of the old answer is gone: one line_status.
  EXPECT_EQ(r.body.find("line_status"), r.body.rfind("line_status")) << r.body;
  // Fullwidth digits are the salon's number.
  const auto wide = postSignedRetell(
      "/webhooks/retell/inbound",
      inbound(kCaller, "\uFF0B\uFF14\uFF19\uFF13\uFF10\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17"));
  ASSERT_EQ(wide.status, 200) << wide.body;
  EXPECT_EQ(json::parse(wide.body).root()["call_inbound"]["metadata"].string("company"),
            "salon-mitte")
      << wide.body;
}

TEST_F(Hostile, ValuesWithLineBreaksAndControlsStayOnTheirLogLine) {
  // What the log shows of a number is at most 40 characters: the forgery fits in them.
  const std::string forged = "+49\r\n[error] [kernel] FORGED" + std::string(1, '\0') + "\x1b[2J";
  const auto mark = server_->output().size();
  const auto r = postSignedRetell("/webhooks/retell/inbound", inbound(kCaller, forged));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(server_->waitForOutput("FORGED", mark)) << server_->output();
  std::istringstream lines(server_->output().substr(mark));
  int seen = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("FORGED") == std::string::npos) continue;
    ++seen;
    EXPECT_NE(line.find("[warning] [calls] inbound call to +49\\r\\n[error] [kernel] "
                        "FORGED\\x00\\x1b[2J: "),
              std::string::npos)
        << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  }
  EXPECT_EQ(seen, 1);
}

TEST_F(Hostile, AHugeValueIsNotCopiedIntoTheLog) {
  const auto mark = server_->output().size();
  const std::string huge = "+" + std::string(20000, '4');
  ASSERT_EQ(postSignedRetell("/webhooks/retell/inbound", inbound(kCaller, huge)).status, 200);
  ASSERT_TRUE(server_->waitForOutput("inbound call to", mark)) << server_->output();
  const auto logged = server_->output().substr(mark);
  EXPECT_EQ(logged.find(std::string(100, '4')), std::string::npos) << logged.size();
}

TEST_F(Hostile, TheFunctionsRouteActsForTheNumbersCompanyWhateverTheMetadataSays) {
  const auto r =
      postSignedRetell("/retell/functions/check_availability",
                       functionCall("check_availability",
                                    R"({"company":"brooklyn-barbers","branch":"williamsburg"})",
                                    R"({"service":"Nothing we offer","date":"2027-01-04"})"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto said = json::parse(r.body).root().string("result").value_or("");
  EXPECT_NE(said.find("Haarschnitt"), std::string::npos) << said;  // the salon's, in German
  EXPECT_EQ(said.find("Beard trim"), std::string::npos) << said;
  EXPECT_NE(server_->output().find("metadata names company 'brooklyn-barbers' but the number "
                                   "+49301234567 is 'salon-mitte's"),
            std::string::npos)
      << server_->output();
}

TEST_F(Hostile, DatesACenturyOrAYearAheadAreNeverBooked) {
  const std::string metadata = R"({"company":"salon-mitte","branch":"mitte"})";
  const auto century = postSignedRetell(
      "/retell/functions/book_appointment",
      functionCall("book_appointment", metadata,
                   R"({"service":"Haarschnitt","start":"2126-12-16T10:00","name":"Eve"})"));
  EXPECT_EQ(century.status, 400) << century.body;
  EXPECT_NE(century.body.find("is not a time"), std::string::npos) << century.body;
  for (const char* start : {"9999-12-31T10:00:00Z", "2027-01-05T10:00:00+25:00"}) {
    const auto r = postSignedRetell(
        "/retell/functions/book_appointment",
        functionCall("book_appointment", metadata,
                     std::string(R"({"service":"Haarschnitt","start":")") + start + R"("})"));
    EXPECT_EQ(r.status, 400) << start << ": " << r.body;
  }
  // Within 1970..2100, but past the salon's horizon (365 days by default): said, not booked.
  const auto far = postSignedRetell(
      "/retell/functions/book_appointment",
      functionCall("book_appointment", metadata,
                   R"({"service":"Haarschnitt","start":"2099-06-16T10:00","name":"Eve"})"));
  ASSERT_EQ(far.status, 200) << far.body;
  EXPECT_NE(far.body.find("So weit im Voraus buchen wir leider nicht (höchstens 365 Tage)"),
            std::string::npos)
      << far.body;
  const auto check = postSignedRetell(
      "/retell/functions/check_availability",
      functionCall("check_availability", metadata,
                   R"({"service":"Haarschnitt","date":"2099-06-16","time":"10:00"})"));
  EXPECT_NE(check.body.find("So weit im Voraus"), std::string::npos) << check.body;
  EXPECT_TRUE(calcom_.upstream().requests("POST", "/v2/bookings").empty());
  EXPECT_TRUE(calcom_.upstream().requests("GET", "/v2/slots").empty());
  EXPECT_TRUE(twilio_.posts().empty());
}

TEST_F(Hostile, AHugeNameAndFullwidthDigitsReachCalcomAndTheSmsBounded) {
  const sbtest::FutureCall day;  // a Thursday ahead: the salon is open 09:00-20:00
  calcom_.addFree(kCut, day.at("11:00"));
  const std::string fullwidth =
      "\uFF0B\uFF14\uFF19\uFF11\uFF17\uFF10\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17";
  const auto r = postSignedRetell(
      "/retell/functions/book_appointment",
      functionCall("book_appointment", R"({"company":"salon-mitte","branch":"mitte"})",
                   R"({"service":"Haarschnitt","start":")" + day.day() + R"(T11:00","name":")" +
                       std::string(100000, 'A') + R"("})",
                   fullwidth));
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_NE(r.body.find("Gebucht"), std::string::npos) << r.body.substr(0, 300);
  const auto bookings = calcom_.bookings();
  ASSERT_EQ(bookings.size(), 1u);
  const auto attendee = json::parse(bookings[0].body).root()["attendee"];
  EXPECT_EQ(attendee.string("name"), std::string(100, 'A'));
  EXPECT_EQ(attendee.string("phoneNumber"), kCaller);
  ASSERT_TRUE(sbtest::eventually([&] { return twilio_.taken().size() == 1; })) << server_->output();
  const auto sms = twilio_.taken()[0];
  EXPECT_EQ(sms.to, kCaller);
  EXPECT_LE(switchboard::text::characters(sms.body), 1600u) << sms.body.size();
  EXPECT_NE(sms.body.find("Hallo " + std::string(100, 'A') + ","), std::string::npos) << sms.body;
}

TEST_F(Hostile, ProviderFiguresThatCannotBeTrueAreFlaggedNotStored) {
  auto ended = retellFixture("call_ended.json");
  replaceOnce(ended, R"("combined_cost":17.5)", R"("combined_cost":-17.5)");
  replaceOnce(ended, R"("end_timestamp":1764233835000)", R"("end_timestamp":1764233600000)");
  ASSERT_EQ(postRetell(ended), 204);
  ASSERT_TRUE(sbtest::eventually([&] { return column("SELECT COUNT(*) FROM calls") == "1"; }))
      << server_->output();
  ASSERT_TRUE(settled());
  EXPECT_EQ(column("SELECT flagged FROM calls"), "1");
  const auto reason = column("SELECT flag_reason FROM calls");
  EXPECT_NE(reason.find("call_cost.combined_cost is not a cost"), std::string::npos) << reason;
  EXPECT_NE(reason.find("end_timestamp is before start_timestamp"), std::string::npos) << reason;
  EXPECT_EQ(column("SELECT cost_usd_cents FROM calls"), "0");
  EXPECT_EQ(column("SELECT COALESCE(CAST(ended_at_ms AS TEXT), 'none') FROM calls"), "none");
}

TEST_F(Hostile, CredentialsTwiceAndTheDetailedHealthsPaths) {
  const auto twice = sbtest::request(
      port_, "GET", "/api/admin/inbox", "",
      {{"Authorization", "Bearer " + kAdminToken}, {"Authorization", "Bearer someone-else"}});
  EXPECT_EQ(twice.status, 400) << twice.body;
  EXPECT_NE(twice.body.find("header authorization given more than once"), std::string::npos);
  const auto open = sbtest::request(port_, "GET", "/api/health/detailed");
  ASSERT_EQ(open.status, 200);
  EXPECT_EQ(open.body.find('/'), std::string::npos) << open.body;  // no path of this machine
  EXPECT_NE(open.body.find(R"("library":"retell.so")"), std::string::npos) << open.body;
  const auto admin = sbtest::request(port_, "GET", "/api/health/detailed", "",
                                     {{"Authorization", "Bearer " + kAdminToken}});
  EXPECT_NE(admin.body.find(R"("library":")" + sbtest::pluginDir() + "/retell.so\""),
            std::string::npos)
      << admin.body;
}

// Every provider route of the shipped config, read from the file (a route added later is tried
// too): no credential, a wrong one, and one made with another party's secret are refused.
TEST_F(Hostile, EveryShippedProviderRouteRefusesWhatIsNotSignedByItsSender) {
  const std::map<std::string, std::string> kHeader = {
      {"retell", "X-Retell-Signature"},
      {"calcom", "X-Cal-Signature-256"},
      {"twilio", "X-Twilio-Signature"},
      {"telegram", "X-Telegram-Bot-Api-Secret-Token"}};
  const auto config = YAML::LoadFile(sbtest::sourceDir() + "/config/switchboard.yaml");
  int tried = 0;
  for (const auto& route : config["routes"]) {
    const auto plugin = route["plugin"].as<std::string>();
    const auto method = route["method"].as<std::string>();
    if (method != "POST" || route["auth"]) continue;  // reads, and the admin's routes
    auto path = route["path"].as<std::string>();
    if (const auto brace = path.find('{'); brace != std::string::npos)
      path = path.substr(0, brace) + "book_appointment";
    ASSERT_TRUE(kHeader.count(plugin)) << path << ": a POST route of plugin '" << plugin
                                       << "' that this test does not know how to sign";
    const std::string body = plugin == "twilio"
                                 ? "AccountSid=" + kSid + "&MessageSid=SM1&MessageStatus=delivered"
                                 : retellFixture("call_ended.json");
    const auto& header = kHeader.at(plugin);
    const auto other = switchboard::crypto::hmacSha256Hex("another-partys-secret", body);
    for (const auto& [what, headers] :
         std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>{
             {"none", {}},
             {"wrong", {{header, "v=1764233700000,d=" + std::string(64, '0')}}},
             {"another's",
              {{header, header == "X-Retell-Signature"
                            ? retell::signatureHeader(body, "another-key", nowMs())
                            : other}}}}) {
      auto with = headers;
      with.emplace_back("Content-Type", plugin == "twilio" ? "application/x-www-form-urlencoded"
                                                           : "application/json");
      const auto r = sbtest::request(port_, "POST", path, body, with);
      EXPECT_EQ(r.status, 401) << path << " with " << what << " signature: " << r.body;
    }
    ++tried;
  }
  EXPECT_EQ(tried, 7);  // retell 3, calcom 1, twilio 2, telegram 1
  EXPECT_EQ(inboxItems(), 0);
  EXPECT_TRUE(up());
}

}  // namespace
