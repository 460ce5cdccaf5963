// Notifications end to end on the real server: the shipped directory, twilio, telegram and
// notifications plugins, the example salon, a fake Twilio and a fake Telegram that check what
// PROVIDERS.md says their APIs require (basic auth and form fields; a bot token in the path,
// chat_id and a text of at most 4096 characters). The probe plugin publishes the events the
// booking and calls features (and the kernel) would publish. Each test runs on SQLite and on a
// real PostgreSQL.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "support/eventually.h"
#include "support/fake_telegram.h"
#include "support/fake_twilio.h"
#include "support/http_client.h"
#include "support/inbox_idle.h"
#include "support/paths.h"
#include "support/postgres_server.h"
#include "support/secrets_key.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/test_database.h"
#include "switchboard/events/booking.h"
#include "switchboard/http_client.h"
#include "switchboard/json.h"
#include "switchboard/testing/fake_upstream.h"
#include "switchboard/time.h"
#include "twilio_signature.h"

namespace {

namespace json = switchboard::json;
namespace time = switchboard::time;
namespace events = switchboard::events;
using switchboard::TimePoint;
using switchboard::testing::RecordedRequest;
using switchboard::testing::Reply;

const std::string kSid = "AC00000000000000000000000000000042";
const std::string kToken = "twilio_test_auth_token";
const std::string kFrom = "+4930111111";
const std::string kBot = "123456:telegram-test-token";
const std::string kOps = "-1009999";
const std::string kSalonChat = "-1001234567";  // the example salon's alerts.telegram_chat_id
const std::string kSecret = "telegram_test_secret";
const std::string kAdmin = "notifications-test-admin-token";
const std::string kZone = "Europe/Berlin";
const std::string kCustomer = "+491701234567";

// A time at `hhmm` on the next Wednesday at least two days ahead, in Berlin.
TimePoint nextWednesdayAt(const std::string& hhmm) {
  auto t = std::chrono::system_clock::now() + std::chrono::hours(48);
  for (;; t += std::chrono::hours(24)) {
    const auto local = time::toLocal(t, kZone);
    if (local.weekday == 3) return *time::fromLocal(local.date, hhmm, kZone);
  }
}

events::AppointmentFacts facts(std::int64_t id, TimePoint start, const std::string& language,
                               const std::string& service = "cut", int minutes = 30) {
  events::AppointmentFacts f;
  f.appointment_id = id;
  f.company = "salon-mitte";
  f.branch = "mitte";
  f.customer_name = "Jana Weber";
  f.customer_phone = kCustomer;
  f.language = language;
  f.service = service;
  f.start = start;
  f.end = start + std::chrono::minutes(minutes);
  f.time_zone = kZone;
  return f;
}

class Notifications : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url_ = GetParam() == "sqlite" ? "sqlite://" + (dir_.path() / "sb.db").string()
                                  : sbtest::PostgresServer::shared().createDatabase();
    twilio_.refuse("+49000", 21211, "The 'To' number is not valid");
    twilio_.refuse("+491511111111", 21610, "Attempt to send to unsubscribed recipient");
    writeTenant("");
    start();
  }

  void writeTenant(const std::string& quiet_hours) {
    std::filesystem::create_directories(dir_.path() / "tenants");
    std::ifstream in(sbtest::sourceDir() + "/config/tenants/salon-mitte.yaml");
    std::stringstream text;
    text << in.rdbuf();
    std::string tenant = text.str();
    const auto at = tenant.find("    quiet_hours:");
    tenant.erase(at, tenant.find('\n', at) + 1 - at);
    if (!quiet_hours.empty()) tenant.insert(at, "    quiet_hours: \"" + quiet_hours + "\"\n");
    std::ofstream(dir_.path() / "tenants/salon-mitte.yaml") << tenant;
  }

  void start() {
    const auto config = dir_.write("c.yaml", configYaml());
    server_ = std::make_unique<sbtest::ServerProcess>(
        std::vector<std::string>{sbtest::serverBinary(), "serve", "--config", config, "--listen",
                                 "127.0.0.1:0"},
        std::vector<std::pair<std::string, std::string>>{
            {"SWITCHBOARD_SECRETS_KEY", sbtest::kSecretsKey},
            {"SALON_MITTE_CALCOM_KEY", "cal_test"},
            {"SALON_MITTE_CALCOM_WEBHOOK_SECRET", "calcom_test"}});
    const auto port = server_->waitUntilListening();
    ASSERT_TRUE(port) << server_->output();
    port_ = *port;
  }

  std::string configYaml() const {
    // The shipped templates, as the product ships them.
    std::ifstream in(sbtest::sourceDir() + "/config/switchboard.yaml");
    std::stringstream shipped;
    shipped << in.rdbuf();
    const auto all = shipped.str();
    const auto from = all.find("      templates:\n");
    const auto to = all.find("  hello:\n");
    const std::string templates = all.substr(from, to - from);

    std::string c =
        "plugin_dirs: [\"" + sbtest::pluginDir() + "\", \"" + sbtest::testPluginDir() + "\"]\n";
    c += "storage: { url: \"" + url_ + "\" }\n";
    c += "inbox: { workers: 2, poll_ms: 20, retry: { base_ms: 50, cap_ms: 200, max_attempts: 8 } "
         "}\n";
    c += "admin: { token: \"" + kAdmin + "\" }\n";
    c += "plugins:\n";
    c += "  directory: { library: directory, config: { tenants: \"" +
         (dir_.path() / "tenants").string() + "\" } }\n";
    c += "  twilio:\n    library: twilio\n    http_client: { max_attempts: 3, backoff_base_ms: 10, "
         "timeout_ms: 1000 }\n";
    c += "    config: { base_url: \"" + twilio_.url() + "\", account_sid: \"" + kSid +
         "\", auth_token: \"" + kToken + "\", from: \"" + kFrom +
         "\", public_url: \"https://switchboard.example.com\" }\n";
    c += "  telegram:\n    library: telegram\n    http_client: { max_attempts: 1 }\n";
    c += "    config: { base_url: \"" + telegram_.url() + "\", bot_token: \"" + kBot +
         "\", ops_chat_id: \"" + kOps + "\", secret_token: \"" + kSecret + "\" }\n";
    c += "  notifications:\n    library: notifications\n    config:\n";
    c += "      quiet_hours: none\n      alert_window_min: 60\n" + templates;
    c += "  probe: { library: probe }\n";
    c += "routes:\n";
    c += "  - { method: POST, path: /webhooks/twilio/status, plugin: twilio, handler: status, "
         "durable: true }\n";
    c += "  - { method: POST, path: /webhooks/twilio/inbound, plugin: twilio, handler: inbound, "
         "durable: true }\n";
    c += "  - { method: POST, path: /webhooks/telegram, plugin: telegram, handler: webhook }\n";
    c += "  - { method: POST, path: /publish, plugin: probe, handler: publish }\n";
    c += "events:\n";
    for (const char* t : {"appointment_booked", "alternative_booked", "appointment_cancelled",
                          "appointment_rescheduled"})
      c += std::string("  booking.") + t +
           ": [ { handler: notifications.on_appointment, async: true } ]\n";
    for (const char* t : {"booking.failed", "calls.unknown_number", "calls.needs_review",
                          "inbox.item_dead", "upstream.circuit_opened", "upstream.circuit_closed"})
      c += std::string("  ") + t + ": [ { handler: notifications.on_alert, async: true } ]\n";
    c += "  twilio.message_status: [ { handler: notifications.on_sms_status, async: true } ]\n";
    c += "  twilio.message_received: [ { handler: notifications.on_sms_received, async: true } ]\n";
    return c;
  }

  void publish(const std::string& topic, const std::string& payload,
               const std::string& tenant = "salon-mitte") {
    const auto r = sbtest::request(port_, "POST", "/publish?topic=" + topic + "&tenant=" + tenant,
                                   payload, {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 202) << r.body;
  }

  std::vector<RecordedRequest> sms() const { return twilio_.posts(); }
  std::vector<RecordedRequest> telegramSends() const { return telegram_.attempts(); }

  // A form callback signed as Twilio signs it: over the public URL it requested + the form.
  sbtest::Response postTwilio(const std::string& path_and_query,
                              const std::vector<std::pair<std::string, std::string>>& form,
                              const std::string& token = kToken) {
    const auto body = switchboard::formEncode(form);
    const auto signature =
        twilio::signatureOf("https://switchboard.example.com" + path_and_query, form, token);
    return sbtest::request(
        port_, "POST", path_and_query, body,
        {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Twilio-Signature", signature}});
  }

  bool settled() { return sbtest::dueWorkDone(url_); }
  static std::string pathOf(const std::string& callback) {
    const std::string origin = "https://switchboard.example.com";
    EXPECT_EQ(callback.rfind(origin, 0), 0u) << callback;
    return callback.substr(origin.size());
  }

  std::string column(const std::string& sql) {
    auto db = sbtest::openDatabase(url_);
    std::string out;
    soci::indicator ind = soci::i_ok;
    db << sql, soci::into(out, ind);
    return db.got_data() && ind == soci::i_ok ? out : "<none>";
  }
  long long count(const std::string& sql) {
    auto db = sbtest::openDatabase(url_);
    long long n = 0;
    db << sql, soci::into(n);
    return n;
  }

  sbtest::TempDir dir_;
  std::string url_;
  sbtest::FakeTwilio twilio_{kSid, kToken};
  sbtest::FakeTelegram telegram_{kBot};
  std::unique_ptr<sbtest::ServerProcess> server_;
  std::uint16_t port_ = 0;
};

TEST_P(Notifications, ABookedAppointmentTextsTheCustomerOnceInTheirLanguage) {
  const auto start = nextWednesdayAt("10:00");
  const auto booked = events::AppointmentBooked{facts(1, start, "de")}.toJson();
  for (int replay = 0; replay < 3; ++replay) publish("booking.appointment_booked", booked);
  publish("booking.appointment_booked",
          events::AppointmentBooked{facts(2, nextWednesdayAt("15:30"), "en")}.toJson());
  ASSERT_TRUE(sbtest::eventually([&] { return sms().size() >= 2; })) << server_->output();
  ASSERT_TRUE(settled());
  const auto sent = sms();
  ASSERT_EQ(sent.size(), 2u) << "a replayed event texted again";
  std::string de = *sent[0].formField("Body"), en = *sent[1].formField("Body");
  if (de.rfind("Hi", 0) == 0) std::swap(de, en);
  const auto words = time::toLocal(start, kZone);
  EXPECT_NE(de.find("Hallo Jana Weber"), std::string::npos) << de;
  EXPECT_NE(de.find("Haarschnitt bei Salon Mitte GmbH (Mitte)"), std::string::npos) << de;
  EXPECT_NE(de.find("Mittwoch, " + std::to_string(std::stoi(words.date.substr(8))) + "."),
            std::string::npos)
      << de;
  EXPECT_NE(de.find("um 10:00 Uhr"), std::string::npos) << de;
  EXPECT_NE(de.find("Torstraße 1, 10119 Berlin"), std::string::npos) << de;
  EXPECT_NE(en.find("Hi Jana Weber, your Haarschnitt"), std::string::npos) << en;
  EXPECT_NE(en.find("Wednesday"), std::string::npos) << en;
  EXPECT_NE(en.find("at 3:30 PM"), std::string::npos) << en;
  EXPECT_EQ(sent[0].formField("To"), kCustomer);
  EXPECT_EQ(sent[0].formField("From"), kFrom);
  const auto callback = sent[0].formField("StatusCallback").value_or("");
  EXPECT_EQ(callback.rfind("https://switchboard.example.com/webhooks/twilio/status?ref=sms%3A", 0),
            0u)
      << callback;
  // The day-before reminder waits as a job for 18:00 Berlin time on Tuesday.
  const auto due = count("SELECT MIN(run_at_ms) FROM inbox WHERE type = 'reminder'");
  const auto tuesday = time::toLocal(start - std::chrono::hours(24), kZone).date;
  EXPECT_EQ(due, std::chrono::duration_cast<std::chrono::milliseconds>(
                     time::fromLocal(tuesday, "18:00", kZone)->time_since_epoch())
                     .count());
}

TEST_P(Notifications, AnAlternativeACompositeACancellationAndAMoveEachSayWhatHappened) {
  const auto start = nextWednesdayAt("11:00");
  events::AlternativeBooked alt{facts(3, start, "de"), start - std::chrono::minutes(60),
                                "same day, nearest time"};
  publish("booking.alternative_booked", alt.toJson());
  // The composite colour service: one event for its group, one message.
  publish(
      "booking.appointment_booked",
      events::AppointmentBooked{facts(4, nextWednesdayAt("14:00"), "de", "color", 90)}.toJson());
  events::AppointmentCancelled cancelled{facts(5, nextWednesdayAt("16:00"), "en"), "asked",
                                         "phone"};
  publish("booking.appointment_cancelled", cancelled.toJson());
  events::AppointmentRescheduled moved{facts(6, nextWednesdayAt("17:00"), "de"),
                                       nextWednesdayAt("12:00"), "calendar"};
  publish("booking.appointment_rescheduled", moved.toJson());
  ASSERT_TRUE(sbtest::eventually([&] { return sms().size() >= 4; })) << server_->output();
  ASSERT_TRUE(settled());
  std::vector<std::string> bodies;
  for (const auto& r : sms()) bodies.push_back(*r.formField("Body"));
  ASSERT_EQ(bodies.size(), 4u);
  auto has = [&](const std::string& a, const std::string& b) {
    return std::any_of(bodies.begin(), bodies.end(), [&](const std::string& s) {
      return s.find(a) != std::string::npos && s.find(b) != std::string::npos;
    });
  };
  EXPECT_TRUE(has("10:00 Uhr am", "war leider schon vergeben")) << bodies[0];
  EXPECT_TRUE(has("war leider schon vergeben", "um 11:00 Uhr"));
  EXPECT_TRUE(has("Färben", "um 14:00 Uhr"));
  EXPECT_TRUE(has("is cancelled", "4:00 PM"));
  EXPECT_TRUE(has("12:00 Uhr auf", "um 17:00 Uhr verlegt"));
}

TEST_P(Notifications, DeliveryCallbacksAreSignedAndUpdateTheMessageAndItsCost) {
  publish("booking.appointment_booked",
          events::AppointmentBooked{facts(7, nextWednesdayAt("10:00"), "de")}.toJson());
  ASSERT_TRUE(sbtest::eventually([&] { return twilio_.taken().size() == 1; })) << server_->output();
  // The URL the message asked Twilio to call (our reference and the company in its query).
  const std::string path = pathOf(twilio_.taken().at(0).status_callback);
  const std::vector<std::pair<std::string, std::string>> form{
      {"AccountSid", kSid},  {"From", kFrom},
      {"MessageSid", "SM1"}, {"MessageStatus", "delivered"},
      {"To", kCustomer},     {"Price", "-0.07500"},
      {"PriceUnit", "USD"}};
  // Tampered: another status under the same signature, or the wrong token.
  auto tampered = form;
  tampered[3].second = "failed";
  const auto body = switchboard::formEncode(tampered);
  const auto signature =
      twilio::signatureOf("https://switchboard.example.com" + path, form, kToken);
  EXPECT_EQ(sbtest::request(port_, "POST", path, body,
                            {{"Content-Type", "application/x-www-form-urlencoded"},
                             {"X-Twilio-Signature", signature}})
                .status,
            401);
  EXPECT_EQ(postTwilio(path, form, "wrong-token").status, 401);
  EXPECT_EQ(postTwilio(path, form).status, 204);
  EXPECT_EQ(postTwilio(path, form).status, 204);  // Twilio's retry: one update
  ASSERT_TRUE(sbtest::eventually([&] {
    return column("SELECT status FROM notification_messages WHERE provider_ref = 'SM1'") ==
           "delivered";
  })) << server_->output();
  ASSERT_TRUE(settled());
  EXPECT_EQ(count("SELECT COUNT(*) FROM platform_costs WHERE platform = 'twilio' AND "
                  "amount_minor = 8 AND currency = 'USD'"),
            1);
  // A late "sent" never moves a delivered message back.
  auto late = form;
  late[3].second = "sent";
  EXPECT_EQ(postTwilio(path, late).status, 204);
  ASSERT_TRUE(settled());
  EXPECT_EQ(column("SELECT status FROM notification_messages WHERE provider_ref = 'SM1'"),
            "delivered");
}

TEST_P(Notifications, StopIsRespectedAndPermanentErrorsAreNotRetried) {
  const std::vector<std::pair<std::string, std::string>> stop{{"AccountSid", kSid},
                                                              {"Body", "Stop"},
                                                              {"From", kCustomer},
                                                              {"MessageSid", "SMin1"},
                                                              {"To", kFrom}};
  const auto r = postTwilio("/webhooks/twilio/inbound", stop);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<Response>"), std::string::npos);
  ASSERT_TRUE(settled());
  publish("booking.appointment_booked",
          events::AppointmentBooked{facts(8, nextWednesdayAt("10:00"), "de")}.toJson());
  // Twilio's own opt-out report (21610) and an invalid number: recorded, tried once.
  auto unsubscribed = facts(9, nextWednesdayAt("11:00"), "de");
  unsubscribed.customer_phone = "+491511111111";
  publish("booking.appointment_booked", events::AppointmentBooked{unsubscribed}.toJson());
  auto invalid = facts(10, nextWednesdayAt("12:00"), "de");
  invalid.customer_phone = "+49000";
  publish("booking.appointment_booked", events::AppointmentBooked{invalid}.toJson());
  ASSERT_TRUE(sbtest::eventually([&] {
    return count(
               "SELECT COUNT(*) FROM notification_messages WHERE status IN ('failed', "
               "'skipped')") == 3;
  })) << server_->output();
  ASSERT_TRUE(settled());
  EXPECT_EQ(sms().size(), 2u);  // the two failures, once each; nothing to the STOP number
  EXPECT_EQ(
      column("SELECT error_code FROM notification_messages WHERE recipient = '" + kCustomer + "'"),
      "opted_out");
  EXPECT_EQ(count("SELECT COUNT(*) FROM notification_optouts"), 2);  // STOP and 21610
  // START lifts it.
  auto start_again = stop;
  start_again[1].second = "START";
  start_again[3].second = "SMin2";
  EXPECT_EQ(postTwilio("/webhooks/twilio/inbound", start_again).status, 200);
  ASSERT_TRUE(settled());
  EXPECT_EQ(count("SELECT COUNT(*) FROM notification_optouts WHERE phone = '" + kCustomer + "'"), 0)
      << server_->output();
}

TEST_P(Notifications, TemporaryTwilioErrorsAreRetried) {
  twilio_.upstream().failNext(
      "POST", twilio_.messagesPath(), 2,
      Reply::json(429, R"({"code":20429,"message":"Too Many Requests","status":429})"));
  publish("booking.appointment_booked",
          events::AppointmentBooked{facts(11, nextWednesdayAt("10:00"), "de")}.toJson());
  ASSERT_TRUE(sbtest::eventually([&] {
    return column("SELECT status FROM notification_messages WHERE channel = 'sms'") == "queued";
  })) << server_->output();
  EXPECT_EQ(sms().size(), 3u);  // two 429s, then the message
  EXPECT_EQ(twilio_.taken().size(), 1u);
}

// Twilio has no idempotency key: a send that timed out is looked up before it is repeated.
TEST_P(Notifications, ATimedOutSendThatTwilioTookIsNotRepeated) {
  twilio_.stallNext(sbtest::FakeTwilio::Stall::Taken);
  publish("booking.appointment_booked",
          events::AppointmentBooked{facts(13, nextWednesdayAt("10:00"), "de")}.toJson());
  ASSERT_TRUE(sbtest::eventually([&] {
    return column("SELECT provider_ref FROM notification_messages WHERE channel = 'sms'") == "SM1";
  })) << server_->output();
  ASSERT_TRUE(settled());
  EXPECT_EQ(sms().size(), 1u);
  EXPECT_EQ(twilio_.taken().size(), 1u);
  const auto lookups = twilio_.lookups();
  ASSERT_EQ(lookups.size(), 1u);
  EXPECT_EQ(lookups[0].queryParam("To"), kCustomer);
  EXPECT_EQ(lookups[0].queryParam("From"), kFrom);
}

TEST_P(Notifications, ATimedOutSendThatTwilioNeverTookIsSentAgain) {
  twilio_.stallNext(sbtest::FakeTwilio::Stall::Lost);
  publish("booking.appointment_booked",
          events::AppointmentBooked{facts(14, nextWednesdayAt("10:00"), "de")}.toJson());
  ASSERT_TRUE(sbtest::eventually([&] {
    return column("SELECT provider_ref FROM notification_messages WHERE channel = 'sms'") == "SM1";
  })) << server_->output();
  ASSERT_TRUE(settled());
  EXPECT_EQ(sms().size(), 2u);  // the lost one, then the one Twilio took
  EXPECT_EQ(twilio_.taken().size(), 1u);
  EXPECT_EQ(twilio_.lookups().size(), 1u);
}

TEST_P(Notifications, ADeliveryReportThatOvertakesTheSendsAnswerFindsItsMessage) {
  twilio_.stallNext(sbtest::FakeTwilio::Stall::Taken);  // Twilio took it, answers late
  publish("booking.appointment_booked",
          events::AppointmentBooked{facts(16, nextWednesdayAt("10:00"), "de")}.toJson());
  ASSERT_TRUE(sbtest::eventually([&] { return twilio_.taken().size() == 1; }));
  const auto m = twilio_.taken()[0];
  EXPECT_EQ(postTwilio(pathOf(m.status_callback), {{"AccountSid", kSid},
                                                   {"From", kFrom},
                                                   {"MessageSid", m.sid},
                                                   {"MessageStatus", "delivered"},
                                                   {"To", kCustomer}})
                .status,
            204);
  ASSERT_TRUE(sbtest::eventually([&] {
    return column("SELECT status FROM notification_messages WHERE provider_ref = '" + m.sid +
                  "'") == "delivered";
  })) << server_->output();
  ASSERT_TRUE(settled());  // the send's late answer ("queued") moves nothing back
  EXPECT_EQ(column("SELECT status FROM notification_messages WHERE channel = 'sms'"), "delivered");
  EXPECT_EQ(twilio_.taken().size(), 1u);
}

TEST_P(Notifications, TheSendJobsRetryLooksForTheMessageFirst) {
  // Three 503s spend the client's attempts; the job's second run asks Twilio, then sends.
  twilio_.upstream().failNext(
      "POST", twilio_.messagesPath(), 3,
      Reply::json(503, R"({"code":20503,"message":"unavailable","status":503})"));
  publish("booking.appointment_booked",
          events::AppointmentBooked{facts(15, nextWednesdayAt("10:00"), "de")}.toJson());
  ASSERT_TRUE(sbtest::eventually([&] {
    return column("SELECT provider_ref FROM notification_messages WHERE channel = 'sms'") == "SM1";
  })) << server_->output();
  ASSERT_TRUE(settled());
  EXPECT_EQ(sms().size(), 4u);
  EXPECT_EQ(twilio_.taken().size(), 1u);
  EXPECT_EQ(twilio_.lookups().size(), 1u);
}

TEST_P(Notifications, QuietHoursDeferTheTextToTheirEnd) {
  // Quiet from an hour ago until two hours from now, Berlin time.
  const auto now = std::chrono::system_clock::now();
  const auto from = time::toLocal(now - std::chrono::hours(1), kZone).time;
  const auto until = time::toLocal(now + std::chrono::hours(2), kZone);
  server_.reset();
  writeTenant(from + "-" + until.time);
  start();
  publish("booking.appointment_booked",
          events::AppointmentBooked{facts(12, nextWednesdayAt("10:00"), "de")}.toJson());
  ASSERT_TRUE(sbtest::eventually(
      [&] { return count("SELECT COUNT(*) FROM inbox WHERE type = 'sms'") == 1; }));
  ASSERT_TRUE(settled());
  EXPECT_TRUE(sms().empty());
  EXPECT_EQ(column("SELECT status FROM notification_messages WHERE channel = 'sms'"), "pending");
  const auto due = count("SELECT run_at_ms FROM inbox WHERE type = 'sms'");
  const auto end_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          time::fromLocal(until.date, until.time, kZone)->time_since_epoch())
                          .count();
  EXPECT_EQ(due, end_ms);
}

TEST_P(Notifications, AnOutageIsOneAlertAndOneResolvedInEachChat) {
  const std::string breaker = R"({"plugin":"calcom","upstream":"calcom","tenant":"salon-mitte"})";
  telegram_.upstream().failNext(
      "POST", "/bot" + kBot + "/sendMessage", 1,
      Reply::json(429, R"({"ok":false,"error_code":429,"description":"Too Many )"
                       R"(Requests: retry after 1","parameters":{"retry_after":1}})"));
  for (int i = 0; i < 20; ++i) publish("upstream.circuit_opened", breaker);
  ASSERT_TRUE(sbtest::eventually([&] { return telegramSends().size() >= 3; })) << server_->output();
  ASSERT_TRUE(settled());
  publish("upstream.circuit_closed", breaker);
  publish("upstream.circuit_closed", breaker);
  ASSERT_TRUE(sbtest::eventually([&] { return telegramSends().size() >= 5; })) << server_->output();
  ASSERT_TRUE(settled());
  const auto sends = telegramSends();
  ASSERT_EQ(sends.size(), 5u);  // the 429, then opened ×2 chats, resolved ×2 chats
  std::map<std::string, std::vector<std::string>> by_chat;
  for (std::size_t i = 1; i < sends.size(); ++i) {
    const auto doc = json::parse(sends[i].body);
    by_chat[std::to_string(*doc.root().integer("chat_id"))].push_back(*doc.root().string("text"));
    EXPECT_EQ(doc.root().string("parse_mode"), "HTML");
  }
  ASSERT_EQ(by_chat.size(), 2u);
  for (const auto& chat : {kSalonChat, kOps}) {
    ASSERT_EQ(by_chat[chat].size(), 2u) << chat;
    EXPECT_NE(by_chat[chat][0].find("calcom is failing"), std::string::npos);
    EXPECT_NE(by_chat[chat][1].find("answers again"), std::string::npos);
    EXPECT_NE(by_chat[chat][1].find("20 report(s)"), std::string::npos) << by_chat[chat][1];
  }
  // The retry honoured retry_after: a second or more after the 429.
  EXPECT_GE(sends[1].at - sends[0].at, std::chrono::milliseconds(1000));
}

TEST_P(Notifications, AdminsAnswerAlertsFromTheirChat) {
  const auto unknown =
      R"({"call":{"provider":"retell","id":"c1"},"from_number":"+4915112345","to_number":"+4930999","at":"2026-11-29T10:00:00Z"})";
  publish("calls.unknown_number", unknown, "");
  publish("calls.unknown_number", unknown, "");  // the same number within the window: counted
  publish("upstream.circuit_opened",
          R"({"plugin":"twilio","upstream":"twilio","tenant":"salon-mitte"})");
  ASSERT_TRUE(sbtest::eventually([&] { return telegramSends().size() >= 3; })) << server_->output();
  ASSERT_TRUE(settled());
  EXPECT_EQ(telegramSends().size(), 3u);  // unknown number → ops; the outage → salon and ops

  auto bot = [&](const std::string& chat, const std::string& text, const std::string& secret) {
    const std::string update =
        R"({"update_id":1,"message":{"message_id":5,"from":{"id":7,"first_name":"Anna","username":"anna"},"chat":{"id":)" +
        chat + R"(,"type":"group"},"date":1764400000,"text":")" + text + R"("}})";
    return sbtest::request(
        port_, "POST", "/webhooks/telegram", update,
        {{"Content-Type", "application/json"}, {"X-Telegram-Bot-Api-Secret-Token", secret}});
  };
  EXPECT_EQ(bot(kSalonChat, "/ack", "wrong").status, 401);
  const auto ack = bot(kSalonChat, "/ack@SwitchboardBot", kSecret);
  ASSERT_EQ(ack.status, 200);
  const auto answer = json::parse(ack.body);
  EXPECT_EQ(answer.root().string("method"), "sendMessage");
  EXPECT_EQ(answer.root().integer("chat_id"), std::stoll(kSalonChat));
  EXPECT_EQ(answer.root().string("text"), "Acknowledged 1 open alert(s), anna.");
  EXPECT_EQ(column("SELECT acked_by FROM alert_groups WHERE state = 'open'"), "anna");
  EXPECT_NE(json::parse(bot(kSalonChat, "/calls today", kSecret).body)
                .root()
                .string("text")
                .value_or("")
                .find("Salon Mitte GmbH: 0 call(s) today"),
            std::string::npos);
  EXPECT_NE(json::parse(bot(kSalonChat, "/unassigned", kSecret).body)
                .root()
                .string("text")
                .value_or("")
                .find("operations chat"),
            std::string::npos);
  // A chat that is nobody's gets nothing.
  EXPECT_EQ(bot("-42", "/calls today", kSecret).body, R"({"ok":true})");
  EXPECT_EQ(sbtest::request(port_, "POST", "/webhooks/telegram", "{broken",
                            {{"Content-Type", "application/json"},
                             {"X-Telegram-Bot-Api-Secret-Token", kSecret}})
                .status,
            400);
}

INSTANTIATE_TEST_SUITE_P(Backends, Notifications, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
