// Booking end to end on the real server with the shipped plugins (directory, retell, calls,
// calcom, booking), the example catalog and a fake Cal.com that answers as PROVIDERS.md
// documents API v2 (tests/support/fake_calcom.h). The probe plugin records what is published
// and publishes a calls.booking_requested where a test needs a time in the future.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "calcom_signature.h"
#include "retell_signature.h"
#include "support/eventually.h"
#include "support/fake_calcom.h"
#include "support/fixtures.h"
#include "support/future_call.h"
#include "support/http_client.h"
#include "support/inbox_idle.h"
#include "support/paths.h"
#include "support/postgres_server.h"
#include "support/secrets_key.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/test_database.h"
#include "switchboard/events/calls.h"
#include "switchboard/json.h"
#include "switchboard/time.h"

namespace {

namespace json = switchboard::json;
namespace time = switchboard::time;
using switchboard::TimePoint;

const std::string kRetellKey = "test-api-key";
const std::string kCalKey = "cal_test";
const std::string kWebhookSecret = "calcom_test_webhook_secret";
const std::string kAdmin = "booking-test-admin-token";
const std::string kZone = "Europe/Berlin";
constexpr long long kTeam = 4711, kCut = 101, kColor = 102, kPerm = 103;

// The Retell fixtures' call, moved to a Thursday ahead (Cal.com books nothing in the past).
std::string retellFixture(const std::string& name) {
  return sbtest::FutureCall().fixture(name);
}

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The next Wednesday at least two days ahead: the salon (Mitte) is open 09:00-18:00 then.
std::string nextWednesday() {
  auto t = std::chrono::system_clock::now() + std::chrono::hours(48);
  for (;; t += std::chrono::hours(24)) {
    const auto local = time::toLocal(t, kZone);
    if (local.weekday == 3) return local.date;
  }
}

// Every test on each backend (GetParam(): sqlite | postgresql).
class Booking : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url_ = GetParam() == "sqlite" ? "sqlite://" + (dir_.path() / "sb.db").string()
                                  : sbtest::PostgresServer::shared().createDatabase();
    std::filesystem::create_directories(dir_.path() / "tenants");
    // The example salon, and a service whose event type is not its Cal.com team's.
    std::ifstream in(sbtest::sourceDir() + "/config/tenants/salon-mitte.yaml");
    std::stringstream text;
    text << in.rdbuf();
    std::string tenant = text.str();
    tenant.replace(tenant.find("\nstaff:\n"), 1,
                   "\n  - { id: perm, name: Dauerwelle, duration_min: 60, price: \"60.00\", "
                   "calcom_event_type_id: 103, branches: [mitte] }\n");
    std::ofstream(dir_.path() / "tenants/salon-mitte.yaml") << tenant;
    start();
  }

  void start() {
    const auto config = dir_.write("c.yaml", configYaml());
    server_ = std::make_unique<sbtest::ServerProcess>(
        std::vector<std::string>{sbtest::serverBinary(), "serve", "--config", config, "--listen",
                                 "127.0.0.1:0"},
        std::vector<std::pair<std::string, std::string>>{
            {"SWITCHBOARD_SECRETS_KEY", sbtest::kSecretsKey},
            {"SALON_MITTE_CALCOM_KEY", kCalKey},
            {"SALON_MITTE_CALCOM_WEBHOOK_SECRET", kWebhookSecret}});
    const auto port = server_->waitUntilListening();
    ASSERT_TRUE(port) << server_->output();
    port_ = *port;
  }

  std::string configYaml() const {
    std::string c =
        "plugin_dirs: [\"" + sbtest::pluginDir() + "\", \"" + sbtest::testPluginDir() + "\"]\n";
    c += "storage: { url: \"" + url_ + "\" }\n";
    c += "inbox: { workers: 2, poll_ms: 20 }\n";
    c += "admin: { token: \"" + kAdmin + "\" }\n";
    c += "plugins:\n";
    c += "  directory: { library: directory, config: { tenants: \"" +
         (dir_.path() / "tenants").string() + "\" } }\n";
    c += "  retell: { library: retell, config: { api_key: \"" + kRetellKey + "\" } }\n";
    c += "  calls: { library: calls, config: { catalog_cache_ms: 0 } }\n";
    // The breaker opens after two failures and lets a request try again after 300 ms.
    c += "  calcom:\n    library: calcom\n    http_client: { max_attempts: 1, breaker_failures: 2, "
         "breaker_cooldown_ms: 300 }\n";
    c += "    config: { base_url: \"" + calcom_.url() + "\" }\n";
    c += "  booking: { library: booking, config: { min_notice_hours: " +
         std::to_string(min_notice_hours_) + " } }\n";
    c += "  probe: { library: probe }\n";
    c += "routes:\n";
    c += "  - { method: POST, path: /webhooks/retell, plugin: retell, handler: webhook, durable: "
         "true }\n";
    c += "  - { method: POST, path: /webhooks/calcom, plugin: calcom, handler: webhook, durable: "
         "true }\n";
    c += "  - { method: POST, path: \"/retell/functions/{name}\", plugin: retell, handler: "
         "function }\n";
    c += "  - { method: GET, path: /events, plugin: probe, handler: events }\n";
    c += "  - { method: POST, path: /publish, plugin: probe, handler: publish }\n";
    c += "events:\n";
    for (const char* t : {"call_started", "call_ended", "call_analyzed", "transcript_updated"})
      c += std::string("  retell.") + t +
           ": [ { handler: calls.on_call_report, transaction: true } ]\n";
    c += "  calls.booking_requested: [ { handler: booking.on_booking_requested, async: true }, "
         "probe.record ]\n";
    for (const char* t : {"created", "rescheduled", "cancelled", "rejected", "ended", "no_show"})
      c += std::string("  calcom.booking_") + t +
           ": [ { handler: booking.on_calendar_change, async: true } ]\n";
    for (const char* t : {"appointment_booked", "alternative_booked", "failed",
                          "appointment_cancelled", "appointment_rescheduled"})
      c += std::string("  booking.") + t + ": [ probe.record ]\n";
    c += "  upstream.circuit_opened: [ probe.record ]\n";
    return c;
  }

  std::vector<json::View> events(const std::string& topic) {
    const auto r = sbtest::request(port_, "GET", "/events");
    std::vector<json::View> out;
    for (const auto& e : json::parse(r.body).root().items())
      if (e.string("topic") == topic) out.push_back(json::parse(*e.string("payload")).root());
    return out;
  }

  int postRetell(const std::string& body) {
    return sbtest::request(
               port_, "POST", "/webhooks/retell", body,
               {{"Content-Type", "application/json"},
                {"X-Retell-Signature", retell::signatureHeader(body, kRetellKey, nowMs())}})
        .status;
  }

  // The agent calls a custom function during the fixture's call (from +491701234567 to
  // Mitte's number), signed as Retell signs it.
  sbtest::Response tool(const std::string& name, const std::string& args_json,
                        const std::string& key = kRetellKey) {
    const std::string body =
        R"({"name":")" + name +
        R"(","call":{"call_type":"phone_call","call_id":"call_8f1c2d3e4b5a","agent_id":"agent_123","call_status":"ongoing","direction":"inbound","from_number":"+491701234567","to_number":"+49301234567"},"args":)" +
        args_json + "}";
    return sbtest::request(port_, "POST", "/retell/functions/" + name, body,
                           {{"Content-Type", "application/json"},
                            {"X-Retell-Signature", retell::signatureHeader(body, key, nowMs())}});
  }
  static std::string said(const sbtest::Response& r) {
    return json::parse(r.body).root().string("result").value_or("<no result: " + r.body + ">");
  }

  int postCalcom(const std::string& body, const std::string& signature) {
    return sbtest::request(
               port_, "POST", "/webhooks/calcom", body,
               {{"Content-Type", "application/json"}, {"X-Cal-Signature-256", signature}})
        .status;
  }

  // A calls.booking_requested as the calls feature publishes it, for `service` at local
  // `date` `hhmm` in Mitte.
  void requestBooking(const std::string& call, const std::string& service, const std::string& date,
                      const std::string& hhmm) {
    switchboard::events::BookingRequested r;
    r.company = "salon-mitte";
    r.branch = "mitte";
    r.call = {"retell", call};
    r.customer_name = "Jana Weber";
    r.customer_phone = "+491701234567";
    r.language = "de";
    r.service = service;
    r.requested_start = *time::fromLocal(date, hhmm, kZone);
    r.time_zone = kZone;
    r.start_local = date + "T" + hhmm;
    r.confidence = 0.9;
    const auto reply = sbtest::request(port_, "POST",
                                       "/publish?topic=calls.booking_requested&"
                                       "tenant=salon-mitte",
                                       r.toJson());
    ASSERT_EQ(reply.status, 202) << reply.body;
  }

  soci::session database() { return sbtest::openDatabase(url_); }

  sbtest::TempDir dir_;
  std::string url_;
  sbtest::FakeCalcom calcom_{kCalKey, kTeam, {kCut, kColor}};  // 103 (perm) is not the team's
  std::unique_ptr<sbtest::ServerProcess> server_;
  std::uint16_t port_ = 0;
  int min_notice_hours_ = 24;
};

TEST_P(Booking, ACallIsBookedOnceInCalcomAndLinkedToItsCallAndCaller) {
  // The fixture's caller asks for "heute um 15 Uhr" on a Thursday.
  const sbtest::FutureCall call;
  calcom_.addFree(kCut, call.at("15:00"));
  calcom_.addFree(kCut, call.at("15:30"));
  for (int round = 0; round < 3; ++round)  // every webhook three times: one booking
    for (const char* f : {"call_started.json", "call_ended.json", "call_analyzed.json"})
      EXPECT_EQ(postRetell(retellFixture(f)), 204) << f;
  ASSERT_TRUE(sbtest::eventually([&] { return events("booking.appointment_booked").size() == 1; }))
      << server_->output();
  // A second request for the same call (a replayed event) books nothing more.
  requestBooking("call_8f1c2d3e4b5a", "cut", call.day(), "15:30");
  ASSERT_TRUE(sbtest::inboxIdle(port_));
  EXPECT_EQ(events("booking.appointment_booked").size(), 1u);
  EXPECT_TRUE(events("booking.failed").empty());

  const auto bookings = calcom_.bookings();
  ASSERT_EQ(bookings.size(), 1u);
  EXPECT_EQ(time::formatUtc(bookings[0].start), call.utc("15:00"));
  const auto body = json::parse(bookings[0].body).root();
  EXPECT_EQ(body.integer("eventTypeId"), kCut);
  EXPECT_EQ(body["attendee"].string("name"), "Jana Weber");
  EXPECT_EQ(body["attendee"].string("phoneNumber"), "+491701234567");
  EXPECT_EQ(body["attendee"].string("timeZone"), kZone);
  EXPECT_EQ(body["metadata"].string("switchboard_ref"), "call:retell:call_8f1c2d3e4b5a");
  EXPECT_EQ(body["metadata"].string("switchboard_company"), "salon-mitte");
  // One slots request and one create for the booking; the team's event types once.
  EXPECT_EQ(calcom_.upstream().requests("GET", "/v2/slots").size(), 1u);
  EXPECT_EQ(calcom_.upstream().requests("POST", "/v2/bookings").size(), 1u);

  const auto booked = events("booking.appointment_booked")[0]["appointment"];
  EXPECT_EQ(booked.string("start"), call.utc("15:00"));
  EXPECT_EQ(booked["booking"].string("id"), bookings[0].uid);
  auto db = database();
  long long appointment = 0, call_link = 0;
  std::string uid, status, journey;
  db << "SELECT id, calcom_booking_uid, status FROM appointments", soci::into(appointment),
      soci::into(uid), soci::into(status);
  EXPECT_EQ(uid, bookings[0].uid);
  EXPECT_EQ(status, "booked");
  long long asked = 0, got = 0;
  db << "SELECT appointment_id, requested_start_ms, booked_start_ms FROM calls",
      soci::into(call_link), soci::into(asked), soci::into(got);
  EXPECT_EQ(call_link, appointment);
  EXPECT_EQ(asked, got);  // booked as asked
  EXPECT_EQ(time::formatUtc(TimePoint(std::chrono::milliseconds(got))), call.utc("15:00"));
  db << "SELECT journey_status FROM customers", soci::into(journey);
  EXPECT_EQ(journey, "booked");
  db << "SELECT status FROM booking_requests", soci::into(status);
  EXPECT_EQ(status, "booked");

  // Cancelled in Cal.com itself: our appointment follows; the webhook twice changes it once.
  const std::string cancel =
      R"({"triggerEvent":"BOOKING_CANCELLED","createdAt":"2025-11-27T10:00:00.000Z","payload":{"uid":")" +
      bookings[0].uid + R"(","eventTypeId":101,"startTime":")" + call.utc("15:00") +
      R"(","endTime":")" + call.utc("15:30") +
      R"(","status":"CANCELLED","cancellationReason":"Kundin krank","metadata":{"switchboard_company":"salon-mitte"}}})";
  EXPECT_EQ(postCalcom(cancel, calcom::signatureOf(cancel, kWebhookSecret)), 200);
  EXPECT_EQ(postCalcom(cancel, "sha256=" + calcom::signatureOf(cancel, kWebhookSecret)), 200);
  ASSERT_TRUE(sbtest::inboxIdle(port_));
  db << "SELECT status FROM appointments", soci::into(status);
  EXPECT_EQ(status, "cancelled");
  const auto cancelled = events("booking.appointment_cancelled");
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(cancelled[0].string("reason"), "Kundin krank");
  EXPECT_EQ(cancelled[0].string("source"), "calendar");
}

TEST_P(Booking, ATakenTimeBooksTheNearestAlternativeAndSaysWhichWasAsked) {
  // The old flow 3: 14:00 asked, 14:30 / 15:00 / 16:00 free, 14:30 booked.
  const auto day = nextWednesday();
  for (const char* t : {"14:30", "15:00", "16:00"})
    calcom_.addFree(kCut, *time::fromLocal(day, t, kZone));
  requestBooking("call_alt_1", "cut", day, "14:00");
  ASSERT_TRUE(sbtest::eventually([&] { return events("booking.alternative_booked").size() == 1; }))
      << server_->output();
  const auto alt = events("booking.alternative_booked")[0];
  EXPECT_EQ(alt["appointment"].string("start"),
            time::formatUtc(*time::fromLocal(day, "14:30", kZone)));
  EXPECT_EQ(alt.string("requested_start"), time::formatUtc(*time::fromLocal(day, "14:00", kZone)));
  EXPECT_EQ(alt.string("reason"), "same day, nearest time");
  for (int replay = 0; replay < 2; ++replay)  // the request replayed: still the one booking
    requestBooking("call_alt_1", "cut", day, "14:00");
  ASSERT_TRUE(sbtest::inboxIdle(port_));
  EXPECT_EQ(events("booking.alternative_booked").size(), 1u);
  ASSERT_EQ(calcom_.bookings().size(), 1u);
  EXPECT_EQ(calcom_.upstream().requests("GET", "/v2/slots").size(), 1u);  // the whole window
  auto db = database();
  long long requested = 0, booked = 0;
  std::string status;
  db << "SELECT status, requested_start_ms, booked_start_ms FROM booking_requests",
      soci::into(status), soci::into(requested), soci::into(booked);
  EXPECT_EQ(status, "alternative_booked");
  EXPECT_EQ(booked - requested, 30 * 60 * 1000);
  long long asked = 0, starts = 0;
  db << "SELECT requested_start_ms, starts_at_ms FROM appointments", soci::into(asked),
      soci::into(starts);
  EXPECT_EQ(asked, requested);  // the appointment keeps both: asked 14:00, booked 14:30
  EXPECT_EQ(starts, booked);

  // Another caller, same time: the cache knows the window (no slots request) and that 14:30
  // went; the next best is booked.
  requestBooking("call_alt_2", "cut", day, "14:00");
  ASSERT_TRUE(sbtest::eventually([&] { return events("booking.alternative_booked").size() == 2; }));
  EXPECT_EQ(events("booking.alternative_booked")[1]["appointment"].string("start"),
            time::formatUtc(*time::fromLocal(day, "15:00", kZone)));
  EXPECT_EQ(calcom_.bookings().size(), 2u);
}

TEST_P(Booking, TwoCallersWantingTheSameSlotAtOnceGetOneBookingAndOneAlternative) {
  const auto day = nextWednesday();
  for (const char* t : {"14:00", "14:30"}) calcom_.addFree(kCut, *time::fromLocal(day, t, kZone));
  std::thread other([&] { requestBooking("call_same_1", "cut", day, "14:00"); });
  requestBooking("call_same_2", "cut", day, "14:00");
  other.join();
  ASSERT_TRUE(sbtest::eventually([&] {
    return events("booking.appointment_booked").size() +
               events("booking.alternative_booked").size() + events("booking.failed").size() ==
           2;
  })) << server_->output();
  ASSERT_EQ(events("booking.appointment_booked").size(), 1u) << server_->output();
  ASSERT_EQ(events("booking.alternative_booked").size(), 1u) << server_->output();
  EXPECT_EQ(events("booking.appointment_booked")[0]["appointment"].string("start"),
            time::formatUtc(*time::fromLocal(day, "14:00", kZone)));
  EXPECT_EQ(events("booking.alternative_booked")[0]["appointment"].string("start"),
            time::formatUtc(*time::fromLocal(day, "14:30", kZone)));
  EXPECT_EQ(calcom_.bookings().size(), 2u);
}

TEST_P(Booking, ATimeGoneByWhenTheCallIsReadIsNeverBookedNorMoved) {
  // The caller asked for an hour ago (the call was read late): not booked, no alternative.
  const auto past = std::chrono::system_clock::now() - std::chrono::hours(1);
  const auto local = time::toLocal(past, kZone);
  calcom_.addFree(kCut, std::chrono::system_clock::now() + std::chrono::hours(2));
  requestBooking("call_late", "cut", local.date, local.time);
  ASSERT_TRUE(sbtest::eventually([&] { return events("booking.failed").size() == 1; }))
      << server_->output();
  EXPECT_EQ(events("booking.failed")[0].string("reason"), "the requested time has passed");
  EXPECT_TRUE(calcom_.upstream().requests("POST", "/v2/bookings").empty());
}

TEST_P(Booking, ATimeInsideTheMinimumNoticeIsNeverBookedAfterTheCall) {
  // The event type takes bookings three hours ahead; the caller asked for one hour from now.
  calcom_.setMinimumNotice(kCut, std::chrono::hours(3));
  const auto now = std::chrono::system_clock::now();
  const auto soon = time::toLocal(now + std::chrono::hours(1), kZone);
  const auto asked = *time::fromLocal(soon.date, soon.time, kZone);
  calcom_.addFree(kCut, asked);
  calcom_.addFree(kCut, asked + std::chrono::hours(4));
  requestBooking("call_soon", "cut", soon.date, soon.time);
  ASSERT_TRUE(sbtest::eventually([&] {
    return events("booking.alternative_booked").size() + events("booking.failed").size() == 1;
  })) << server_->output();
  ASSERT_TRUE(sbtest::inboxIdle(port_));
  EXPECT_TRUE(events("booking.appointment_booked").empty());
  for (const auto& b : calcom_.bookings()) {  // an alternative, if the branch is open then
    EXPECT_NE(b.start, asked);
    EXPECT_GE(b.start, now + std::chrono::hours(3));
  }
  // Not listed inside the notice, the asked time was never even tried.
  const auto created = calcom_.upstream().requests("POST", "/v2/bookings");
  for (const auto& c : created)
    EXPECT_EQ(c.body.find(time::formatUtc(asked)), std::string::npos) << c.body;
}

TEST_P(Booking, AForeignEventTypeIsRefusedAndNeverBooked) {
  const auto day = nextWednesday();
  calcom_.addFree(kPerm, *time::fromLocal(day, "10:00", kZone), 60);
  requestBooking("call_perm", "perm", day, "10:00");
  ASSERT_TRUE(sbtest::eventually([&] { return events("booking.failed").size() == 1; }))
      << server_->output();
  EXPECT_NE(events("booking.failed")[0].string("reason")->find("does not belong to Cal.com team"),
            std::string::npos)
      << events("booking.failed")[0].text();
  EXPECT_TRUE(calcom_.upstream().requests("POST", "/v2/bookings").empty());
  EXPECT_TRUE(calcom_.upstream().requests("GET", "/v2/slots").empty());
}

TEST_P(Booking, CalcomDownTheWorkWaitsAndBooksOnceWhenItIsBack) {
  const auto day = nextWednesday();
  calcom_.addFree(kCut, *time::fromLocal(day, "11:00", kZone));
  // Cal.com down: the slots read fails, then each retry's look for an earlier booking twice
  // (the breaker opens after two failures in a row; later tries wait for its cool-down).
  calcom_.upstream().failNext("GET", "/v2/slots", 1);
  calcom_.upstream().failNext("GET", "/v2/bookings", 2);
  requestBooking("call_down", "cut", day, "11:00");
  ASSERT_TRUE(sbtest::eventually([&] { return events("booking.appointment_booked").size() == 1; },
                                 std::chrono::seconds(60)))
      << server_->output();
  EXPECT_FALSE(events("upstream.circuit_opened").empty()) << server_->output();
  EXPECT_EQ(calcom_.upstream().requests("GET", "/v2/slots").size(), 2u);
  EXPECT_EQ(calcom_.bookings().size(), 1u);
  EXPECT_TRUE(events("booking.failed").empty());
}

TEST_P(Booking, CalcomWebhooksWithoutTheCompanysSignatureAre401AndNotStored) {
  const std::string ping =
      R"({"triggerEvent":"PING","createdAt":"2024-01-15T10:00:00.000Z","payload":{}})";
  EXPECT_EQ(postCalcom(ping, calcom::signatureOf(ping, "not-the-secret")), 401);
  EXPECT_EQ(postCalcom(ping, "no-secret-provided"), 401);
  EXPECT_EQ(sbtest::request(port_, "POST", "/webhooks/calcom", ping).status, 401);
  EXPECT_EQ(postCalcom(ping, calcom::signatureOf(ping, kWebhookSecret)), 200);  // stored, no-op
  ASSERT_TRUE(sbtest::inboxIdle(port_));
  const auto inbox = sbtest::request(port_, "GET", "/api/admin/inbox?state=done", "",
                                     {{"Authorization", "Bearer " + kAdmin}});
  EXPECT_EQ(json::parse(inbox.body).root()["items"].items().size(), 1u) << inbox.body;
}

// ---- the agent's functions while the caller is on the line ----

TEST_P(Booking, LiveFunctionsCheckAndBookOnceAndTheCallIsNotBookedAgainAfterwards) {
  ASSERT_EQ(postRetell(retellFixture("call_started.json")), 204);  // the caller becomes known
  ASSERT_TRUE(sbtest::inboxIdle(port_));
  const auto day = nextWednesday();
  for (const char* t : {"14:30", "15:00", "16:00"})
    calcom_.addFree(kCut, *time::fromLocal(day, t, kZone));

  auto r = tool("check_availability",
                R"({"service":"Haarschnitt","date":")" + day + R"(","time":"14:00"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(said(r).find("14:00 Uhr ist leider belegt. Frei wäre um 14:30 Uhr, um 15:00 Uhr oder "
                         "um 16:00 Uhr."),
            std::string::npos)
      << said(r);
  r = tool("check_availability", R"({"service":"Haarschnitt","date":")" + day + R"("})");
  EXPECT_NE(said(r).find("Frei ist "), std::string::npos) << said(r);
  EXPECT_NE(said(r).find("um 14:30 Uhr, um 15:00 Uhr oder um 16:00 Uhr."), std::string::npos)
      << said(r);
  EXPECT_EQ(calcom_.upstream().requests("GET", "/v2/slots").size(), 1u);  // then the cache

  // Booked; Retell repeating the function (a retry) books nothing more.
  for (int i = 0; i < 3; ++i) {
    r = tool("book_appointment",
             R"({"service":"Haarschnitt","start":")" + day + R"(T14:30","name":"Jana Weber"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(said(r).rfind("Gebucht: Haarschnitt ", 0), 0u) << said(r);
    EXPECT_NE(said(r).find("um 14:30 Uhr"), std::string::npos) << said(r);
  }
  ASSERT_EQ(calcom_.bookings().size(), 1u);
  EXPECT_EQ(calcom_.bookings()[0].start, *time::fromLocal(day, "14:30", kZone));
  EXPECT_EQ(
      json::parse(calcom_.bookings()[0].body).root()["metadata"].string("switchboard_ref"),
      "live:retell:call_8f1c2d3e4b5a:" + time::formatUtc(*time::fromLocal(day, "14:30", kZone)));
  ASSERT_TRUE(sbtest::eventually([&] { return events("booking.appointment_booked").size() == 1; }))
      << server_->output();
  EXPECT_EQ(events("booking.appointment_booked")[0]["appointment"]["call"].string("id"),
            "call_8f1c2d3e4b5a");

  // Now free again at 14:30? No: the slot went, and the cache was dropped with the booking.
  r = tool("check_availability", R"({"service":"cut","date":")" + day + R"(","time":"14:30"})");
  EXPECT_NE(said(r).find("ist leider belegt. Frei wäre um 15:00 Uhr"), std::string::npos)
      << said(r);

  // The call ends and its analysis asks for a booking: it booked live, so nothing more.
  for (const char* f : {"call_ended.json", "call_analyzed.json"})
    ASSERT_EQ(postRetell(retellFixture(f)), 204) << f;
  ASSERT_TRUE(sbtest::eventually([&] {
    auto db = database();
    int n = 0;
    db << "SELECT COUNT(*) FROM booking_requests WHERE status = 'booked_live'", soci::into(n);
    return n == 1;
  })) << server_->output();
  ASSERT_TRUE(sbtest::inboxIdle(port_));
  EXPECT_EQ(calcom_.bookings().size(), 1u);
  EXPECT_EQ(events("booking.appointment_booked").size(), 1u);
  EXPECT_TRUE(events("booking.failed").empty());
  auto db = database();
  long long appointment = 0, call_link = 0, customer = 0;
  std::string source;
  db << "SELECT id, source, customer_id FROM appointments", soci::into(appointment),
      soci::into(source), soci::into(customer);
  EXPECT_EQ(source, "phone");
  EXPECT_GT(customer, 0);
  long long booked_ms = 0;
  db << "SELECT appointment_id, booked_start_ms FROM calls", soci::into(call_link),
      soci::into(booked_ms);
  EXPECT_EQ(call_link, appointment);
  EXPECT_EQ(TimePoint(std::chrono::milliseconds(booked_ms)), *time::fromLocal(day, "14:30", kZone));
}

TEST_P(Booking, LiveFunctionsRefuseWhatTheyCannotActOn) {
  const auto day = nextWednesday();
  auto r = tool("check_availability", R"({"service":"Haarschnitt","date":")" + day + R"("})",
                "not-the-key");
  EXPECT_EQ(r.status, 401) << r.body;
  r = tool("order_pizza", "{}");
  EXPECT_EQ(r.status, 404) << r.body;
  r = tool("check_availability", R"({"date":")" + day + R"("})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("missing argument 'service'"), std::string::npos) << r.body;
  r = tool("book_appointment", R"({"service":"Haarschnitt","start":"morgen"})");
  EXPECT_EQ(r.status, 400) << r.body;
  // A service the salon does not offer is answered, with what it offers.
  r = tool("check_availability", R"({"service":"Ölwechsel","date":")" + day + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(said(r).find("kenne ich nicht. Wir bieten an: "), std::string::npos) << said(r);
  // The caller has no appointment to cancel.
  r = tool("cancel_appointment", "{}");
  EXPECT_NE(said(r).find("keinen Termin"), std::string::npos) << said(r);
  EXPECT_TRUE(calcom_.upstream().requests("POST", "/v2/bookings").empty());
}

TEST_P(Booking, LiveFunctionsMoveAndCancelTheCallersOwnAppointment) {
  ASSERT_EQ(postRetell(retellFixture("call_started.json")), 204);
  ASSERT_TRUE(sbtest::inboxIdle(port_));
  const auto day = nextWednesday();
  for (const char* t : {"10:00", "11:00"}) calcom_.addFree(kCut, *time::fromLocal(day, t, kZone));
  auto r = tool("book_appointment", R"({"service":"cut","start":")" + day + R"(T10:00"})");
  ASSERT_EQ(said(r).rfind("Gebucht", 0), 0u) << said(r);
  ASSERT_TRUE(sbtest::inboxIdle(port_));

  r = tool("reschedule_appointment", R"({"new_start":")" + day + R"(T11:00"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(said(r).rfind("Erledigt: Ihr Termin ist jetzt ", 0), 0u) << said(r);
  ASSERT_EQ(calcom_.bookings().size(), 2u);
  EXPECT_EQ(calcom_.bookings()[0].status, "cancelled");
  EXPECT_EQ(calcom_.bookings()[1].rescheduled_from, calcom_.bookings()[0].uid);
  ASSERT_TRUE(sbtest::eventually([&] {
    return events("booking.appointment_rescheduled").size() == 1;
  })) << server_->output();
  const auto moved = events("booking.appointment_rescheduled")[0];
  EXPECT_EQ(moved.string("source"), "phone");
  EXPECT_EQ(moved.string("previous_start"), time::formatUtc(*time::fromLocal(day, "10:00", kZone)));
  EXPECT_EQ(moved["appointment"].string("start"),
            time::formatUtc(*time::fromLocal(day, "11:00", kZone)));
  auto db = database();
  std::string uid, status;
  db << "SELECT calcom_booking_uid FROM appointments", soci::into(uid);
  EXPECT_EQ(uid, calcom_.bookings()[1].uid);

  r = tool("cancel_appointment", R"({"start":")" + day + R"("})");
  EXPECT_NE(said(r).find("ist abgesagt."), std::string::npos) << said(r);
  EXPECT_EQ(calcom_.bookings()[1].status, "cancelled");
  ASSERT_TRUE(sbtest::eventually([&] {
    return events("booking.appointment_cancelled").size() == 1;
  })) << server_->output();
  EXPECT_EQ(events("booking.appointment_cancelled")[0].string("source"), "phone");
  db << "SELECT status FROM appointments", soci::into(status);
  EXPECT_EQ(status, "cancelled");
  // Nothing left to cancel.
  r = tool("cancel_appointment", "{}");
  EXPECT_NE(said(r).find("keinen kommenden Termin"), std::string::npos) << said(r);
}

TEST_P(Booking, LiveFunctionsKeepTheMinimumNotice) {
  server_.reset();
  min_notice_hours_ = 24 * 60;  // longer than any test appointment is away
  start();
  ASSERT_EQ(postRetell(retellFixture("call_started.json")), 204);
  ASSERT_TRUE(sbtest::inboxIdle(port_));
  const auto day = nextWednesday();
  calcom_.addFree(kCut, *time::fromLocal(day, "10:00", kZone));
  calcom_.addFree(kCut, *time::fromLocal(day, "11:00", kZone));
  ASSERT_EQ(said(tool("book_appointment", R"({"service":"cut","start":")" + day + R"(T10:00"})"))
                .rfind("Gebucht", 0),
            0u);
  ASSERT_TRUE(sbtest::inboxIdle(port_));
  auto r = tool("cancel_appointment", "{}");
  EXPECT_NE(said(r).find("Eine Absage ist nur bis 1440 Stunden vor dem Termin möglich"),
            std::string::npos)
      << said(r);
  r = tool("reschedule_appointment", R"({"new_start":")" + day + R"(T11:00"})");
  EXPECT_NE(said(r).find("Eine Verschiebung ist nur bis 1440 Stunden"), std::string::npos)
      << said(r);
  ASSERT_EQ(calcom_.bookings().size(), 1u);
  EXPECT_EQ(calcom_.bookings()[0].status, "accepted");
}

TEST_P(Booking, LiveBookingWithCalcomDownIsQueuedToldAndBookedOnceWhenItIsBack) {
  ASSERT_EQ(postRetell(retellFixture("call_started.json")), 204);
  ASSERT_TRUE(sbtest::inboxIdle(port_));
  const auto day = nextWednesday();
  calcom_.addFree(kCut, *time::fromLocal(day, "12:00", kZone));
  calcom_.upstream().failNext("POST", "/v2/bookings", 1);  // 503 once
  auto r = tool("book_appointment", R"({"service":"cut","start":")" + day + R"(T12:00"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(said(r).find("Ihr Wunsch ist notiert"), std::string::npos) << said(r);
  ASSERT_TRUE(sbtest::eventually([&] { return events("booking.appointment_booked").size() == 1; },
                                 std::chrono::seconds(60)))
      << server_->output();
  // Asked again meanwhile, or the call's report after: still the one booking.
  r = tool("book_appointment", R"({"service":"cut","start":")" + day + R"(T12:00"})");
  EXPECT_EQ(said(r).rfind("Gebucht", 0), 0u) << said(r);
  for (const char* f : {"call_ended.json", "call_analyzed.json"})
    ASSERT_EQ(postRetell(retellFixture(f)), 204) << f;
  ASSERT_TRUE(sbtest::inboxIdle(port_));
  EXPECT_EQ(calcom_.bookings().size(), 1u);
  EXPECT_EQ(events("booking.appointment_booked").size(), 1u);
}

TEST_P(Booking, ACompositeServiceIsBookedAsOneGroupAllOrNothing) {
  // Colour: apply (30 min, staff busy), wait (30, staff free), wash out (30, busy): 10:00 needs
  // the staff at 10:00 and at 11:00.
  const auto day = nextWednesday();
  const auto at = [&](const char* hhmm) { return *time::fromLocal(day, hhmm, kZone); };
  for (const char* t : {"10:00", "11:00", "13:00", "14:00"}) calcom_.addFree(kColor, at(t));
  // Each part is booked with its own length: the event type must offer it (Cal.com's
  // "multiple durations"), or Cal.com refuses lengthInMinutes.
  calcom_.allowLengths(kColor, {30});
  calcom_.snatch(kColor, at("11:00"));  // the third part fails when it is booked
  requestBooking("call_color", "color", day, "10:00");
  ASSERT_TRUE(sbtest::eventually([&] {
    return events("booking.alternative_booked").size() + events("booking.failed").size() == 1;
  })) << server_->output();
  ASSERT_EQ(events("booking.alternative_booked").size(), 1u) << events("booking.failed")[0].text();
  const auto alt = events("booking.alternative_booked")[0];
  EXPECT_EQ(alt["appointment"].string("start"), time::formatUtc(at("13:00")));
  EXPECT_EQ(alt["appointment"].string("end"), time::formatUtc(at("14:30")));

  // In Cal.com: the first part at 10:00 was cancelled when the third failed; the group at
  // 13:00 stands as two bookings (the staff is free while the colour works).
  std::vector<std::string> accepted;
  for (const auto& b : calcom_.bookings()) {
    if (b.status == "cancelled") {
      EXPECT_EQ(b.start, at("10:00"));
      continue;
    }
    accepted.push_back(time::formatUtc(b.start) + "-" + time::formatUtc(b.end));
    EXPECT_EQ(json::parse(b.body).root().integer("lengthInMinutes"), 30);
  }
  EXPECT_EQ(accepted, (std::vector<std::string>{
                          time::formatUtc(at("13:00")) + "-" + time::formatUtc(at("13:30")),
                          time::formatUtc(at("14:00")) + "-" + time::formatUtc(at("14:30"))}));

  // Ours: one appointment per part, one group, the staff-free part without a booking.
  auto db = database();
  soci::rowset<soci::row> rows =
      (db.prepare << "SELECT starts_at_ms, COALESCE(calcom_booking_uid, '') FROM appointments "
                     "WHERE composite_group = 'call:retell:call_color' ORDER BY starts_at_ms");
  std::vector<std::string> parts;
  for (const auto& row : rows)
    parts.push_back(time::formatUtc(TimePoint(std::chrono::milliseconds(row.get<long long>(0)))) +
                    (row.get<std::string>(1).empty() ? " free" : " booked"));
  EXPECT_EQ(parts, (std::vector<std::string>{time::formatUtc(at("13:00")) + " booked",
                                             time::formatUtc(at("13:30")) + " free",
                                             time::formatUtc(at("14:00")) + " booked"}));
}

TEST_P(Booking, LiveBookingsFromManyCallersAtOnceAreEachBookedOnce) {
  const auto day = nextWednesday();
  std::vector<std::string> times;
  for (int m = 9 * 60; m < 13 * 60; m += 30) {
    char hhmm[8];
    std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", m / 60, m % 60);
    times.push_back(hhmm);
    calcom_.addFree(kCut, *time::fromLocal(day, hhmm, kZone));
  }
  std::vector<std::thread> callers;
  std::vector<std::string> answers(times.size());
  for (std::size_t i = 0; i < times.size(); ++i)
    callers.emplace_back([&, i] {
      const std::string body =
          R"({"name":"book_appointment","call":{"call_id":"call_many_)" + std::to_string(i) +
          R"(","direction":"inbound","from_number":"+491701234567","to_number":"+49301234567"},"args":{"service":"cut","start":")" +
          day + "T" + times[i] + R"("}})";
      const auto r = sbtest::request(
          port_, "POST", "/retell/functions/book_appointment", body,
          {{"Content-Type", "application/json"},
           {"X-Retell-Signature", retell::signatureHeader(body, kRetellKey, nowMs())}});
      answers[i] = std::to_string(r.status) + " " + r.body;
    });
  for (auto& t : callers) t.join();
  for (const auto& a : answers) EXPECT_EQ(a.rfind("200 {\"result\":\"Gebucht", 0), 0u) << a;
  EXPECT_EQ(calcom_.bookings().size(), times.size());
  ASSERT_TRUE(sbtest::eventually([&] {
    return events("booking.appointment_booked").size() == times.size();
  })) << server_->output();
}

TEST_P(Booking, ACallToAnUnknownNumberBooksNothingHoweverOftenItComes) {
  calcom_.addFree(kCut, sbtest::FutureCall().at("15:00"));
  auto body = retellFixture("call_analyzed.json");
  const auto at = body.find("+49301234567");
  ASSERT_NE(at, std::string::npos);
  body.replace(at, 12, "+49309999999");  // nobody's number
  for (int round = 0; round < 3; ++round) EXPECT_EQ(postRetell(body), 204);
  ASSERT_TRUE(sbtest::inboxIdle(port_));
  EXPECT_TRUE(events("calls.booking_requested").empty());
  EXPECT_TRUE(calcom_.upstream().requests("POST", "/v2/bookings").empty());
  auto db = database();
  int requests = 0;
  db << "SELECT COUNT(*) FROM booking_requests", soci::into(requests);
  EXPECT_EQ(requests, 0);
}

TEST_P(Booking, ABookingMovedOrCancelledInCalcomItselfReachesOurAppointment) {
  const auto day = nextWednesday();
  for (const char* t : {"10:00", "12:00"}) calcom_.addFree(kCut, *time::fromLocal(day, t, kZone));
  requestBooking("call_moved", "cut", day, "10:00");
  ASSERT_TRUE(sbtest::eventually([&] { return events("booking.appointment_booked").size() == 1; }))
      << server_->output();
  calcom_.webhooksTo(port_, "/webhooks/calcom", kWebhookSecret);

  // Moved in Cal.com's UI: a new booking, its signed BOOKING_RESCHEDULED webhook.
  const auto [status, uid] =
      calcom_.moveInCalcom(calcom_.bookings()[0].uid, *time::fromLocal(day, "12:00", kZone));
  ASSERT_EQ(status, 200);
  ASSERT_TRUE(sbtest::eventually([&] {
    return events("booking.appointment_rescheduled").size() == 1;
  })) << server_->output();
  const auto moved = events("booking.appointment_rescheduled")[0];
  EXPECT_EQ(moved.string("source"), "calendar");
  EXPECT_EQ(moved.string("previous_start"), time::formatUtc(*time::fromLocal(day, "10:00", kZone)));
  auto db = database();
  std::string stored_uid, state;
  long long start_ms = 0;
  db << "SELECT calcom_booking_uid, starts_at_ms FROM appointments", soci::into(stored_uid),
      soci::into(start_ms);
  EXPECT_EQ(stored_uid, uid);
  EXPECT_EQ(TimePoint(std::chrono::milliseconds(start_ms)), *time::fromLocal(day, "12:00", kZone));

  // Cancelled there: ours follows, with Cal.com's reason.
  ASSERT_EQ(calcom_.cancelInCalcom(uid, "Kundin krank"), 200);
  ASSERT_TRUE(
      sbtest::eventually([&] { return events("booking.appointment_cancelled").size() == 1; }));
  EXPECT_EQ(events("booking.appointment_cancelled")[0].string("reason"), "Kundin krank");
  db << "SELECT status FROM appointments", soci::into(state);
  EXPECT_EQ(state, "cancelled");
}

INSTANTIATE_TEST_SUITE_P(Backends, Booking, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
