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

#include "calcom_signature.h"
#include "retell_signature.h"
#include "support/eventually.h"
#include "support/fake_calcom.h"
#include "support/http_client.h"
#include "support/inbox_idle.h"
#include "support/paths.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
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
constexpr long long kTeam = 4711, kCut = 101, kColor = 102;

std::string retellFixture(const std::string& name) {
  std::ifstream in(sbtest::sourceDir() + "/tests/fixtures/retell/" + name);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
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

class Booking : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = "sqlite://" + (dir_.path() / "sb.db").string();
    std::filesystem::create_directories(dir_.path() / "tenants");
    std::filesystem::copy_file(sbtest::sourceDir() + "/config/tenants/salon-mitte.yaml",
                               dir_.path() / "tenants/salon-mitte.yaml");
    start();
  }

  void start() {
    const auto config = dir_.write("c.yaml", configYaml());
    server_ = std::make_unique<sbtest::ServerProcess>(
        std::vector<std::string>{sbtest::serverBinary(), "serve", "--config", config, "--listen",
                                 "127.0.0.1:0"},
        std::vector<std::pair<std::string, std::string>>{
            {"SWITCHBOARD_SECRETS_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="},
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
    c += "  calcom:\n    library: calcom\n    http_client: { max_attempts: 1 }\n";
    c += "    config: { base_url: \"" + calcom_.url() + "\" }\n";
    c += "  booking: { library: booking }\n";
    c += "  probe: { library: probe }\n";
    c += "routes:\n";
    c += "  - { method: POST, path: /webhooks/retell, plugin: retell, handler: webhook, durable: "
         "true }\n";
    c += "  - { method: POST, path: /webhooks/calcom, plugin: calcom, handler: webhook, durable: "
         "true }\n";
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

  soci::session database() {
    return soci::session(*soci::factory_sqlite3(), "db=" + url_.substr(9) + " timeout=10");
  }

  sbtest::TempDir dir_;
  std::string url_;
  sbtest::FakeCalcom calcom_{kCalKey, kTeam, {kCut}};  // 102 (colour) is not the team's
  std::unique_ptr<sbtest::ServerProcess> server_;
  std::uint16_t port_ = 0;
};

TEST_F(Booking, ACallIsBookedOnceInCalcomAndLinkedToItsCallAndCaller) {
  // The fixture's caller asks for "heute um 15 Uhr" on 2025-11-27 (14:00 UTC).
  calcom_.addFree(kCut, *time::parseUtc("2025-11-27T14:00:00Z"));
  calcom_.addFree(kCut, *time::parseUtc("2025-11-27T14:30:00Z"));
  for (int round = 0; round < 3; ++round)  // every webhook three times: one booking
    for (const char* f : {"call_started.json", "call_ended.json", "call_analyzed.json"})
      EXPECT_EQ(postRetell(retellFixture(f)), 204) << f;
  ASSERT_TRUE(sbtest::eventually([&] { return events("booking.appointment_booked").size() == 1; }))
      << server_->output();
  // A second request for the same call (a replayed event) books nothing more.
  requestBooking("call_8f1c2d3e4b5a", "cut", "2025-11-27", "15:30");
  ASSERT_TRUE(sbtest::inboxIdle(port_));
  EXPECT_EQ(events("booking.appointment_booked").size(), 1u);
  EXPECT_TRUE(events("booking.failed").empty());

  const auto bookings = calcom_.bookings();
  ASSERT_EQ(bookings.size(), 1u);
  EXPECT_EQ(time::formatUtc(bookings[0].start), "2025-11-27T14:00:00Z");
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
  EXPECT_EQ(booked.string("start"), "2025-11-27T14:00:00Z");
  EXPECT_EQ(booked["booking"].string("id"), bookings[0].uid);
  auto db = database();
  long long appointment = 0, call_link = 0;
  std::string uid, status, journey;
  db << "SELECT id, calcom_booking_uid, status FROM appointments", soci::into(appointment),
      soci::into(uid), soci::into(status);
  EXPECT_EQ(uid, bookings[0].uid);
  EXPECT_EQ(status, "booked");
  db << "SELECT appointment_id FROM calls", soci::into(call_link);
  EXPECT_EQ(call_link, appointment);
  db << "SELECT journey_status FROM customers", soci::into(journey);
  EXPECT_EQ(journey, "booked");
  db << "SELECT status FROM booking_requests", soci::into(status);
  EXPECT_EQ(status, "booked");

  // Cancelled in Cal.com itself: our appointment follows; the webhook twice changes it once.
  const std::string cancel =
      R"({"triggerEvent":"BOOKING_CANCELLED","createdAt":"2025-11-27T10:00:00.000Z","payload":{"uid":")" +
      bookings[0].uid +
      R"(","eventTypeId":101,"startTime":"2025-11-27T14:00:00Z","endTime":"2025-11-27T14:30:00Z","status":"CANCELLED","cancellationReason":"Kundin krank","metadata":{"switchboard_company":"salon-mitte"}}})";
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

TEST_F(Booking, ATakenTimeBooksTheNearestAlternativeAndSaysWhichWasAsked) {
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
  ASSERT_EQ(calcom_.bookings().size(), 1u);
  EXPECT_EQ(calcom_.upstream().requests("GET", "/v2/slots").size(), 1u);  // the whole window
  auto db = database();
  long long requested = 0, booked = 0;
  std::string status;
  db << "SELECT status, requested_start_ms, booked_start_ms FROM booking_requests",
      soci::into(status), soci::into(requested), soci::into(booked);
  EXPECT_EQ(status, "alternative_booked");
  EXPECT_EQ(booked - requested, 30 * 60 * 1000);

  // Another caller, same time: the cache knows the window (no slots request) and that 14:30
  // went; the next best is booked.
  requestBooking("call_alt_2", "cut", day, "14:00");
  ASSERT_TRUE(sbtest::eventually([&] { return events("booking.alternative_booked").size() == 2; }));
  EXPECT_EQ(events("booking.alternative_booked")[1]["appointment"].string("start"),
            time::formatUtc(*time::fromLocal(day, "15:00", kZone)));
  EXPECT_EQ(calcom_.bookings().size(), 2u);
}

TEST_F(Booking, AForeignEventTypeIsRefusedAndNeverBooked) {
  const auto day = nextWednesday();
  calcom_.addFree(kColor, *time::fromLocal(day, "10:00", kZone), 90);
  requestBooking("call_color", "color", day, "10:00");
  ASSERT_TRUE(sbtest::eventually([&] { return events("booking.failed").size() == 1; }))
      << server_->output();
  EXPECT_NE(events("booking.failed")[0].string("reason")->find("does not belong to Cal.com team"),
            std::string::npos)
      << events("booking.failed")[0].text();
  EXPECT_TRUE(calcom_.upstream().requests("POST", "/v2/bookings").empty());
  EXPECT_TRUE(calcom_.upstream().requests("GET", "/v2/slots").empty());
}

TEST_F(Booking, CalcomDownTheWorkWaitsAndBooksOnceWhenItIsBack) {
  const auto day = nextWednesday();
  calcom_.addFree(kCut, *time::fromLocal(day, "11:00", kZone));
  calcom_.upstream().failNext("GET", "/v2/slots", 2);  // 503 twice
  requestBooking("call_down", "cut", day, "11:00");
  ASSERT_TRUE(sbtest::eventually([&] { return events("booking.appointment_booked").size() == 1; },
                                 std::chrono::seconds(60)))
      << server_->output();
  EXPECT_EQ(calcom_.upstream().requests("GET", "/v2/slots").size(), 3u);
  EXPECT_EQ(calcom_.bookings().size(), 1u);
  EXPECT_TRUE(events("booking.failed").empty());
}

TEST_F(Booking, CalcomWebhooksWithoutTheCompanysSignatureAre401AndNotStored) {
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

}  // namespace
