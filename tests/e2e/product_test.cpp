// The product as shipped, end to end: config/switchboard.yaml and the example tenants as they
// are (every plugin, route and subscription), only the providers' base URLs pointed at fakes
// on loopback (Cal.com, Twilio, Telegram: tests/support/fake_*.h), a test database, no quiet
// hours and short retry delays. A Retell call goes in; what comes out is what the seed's
// flows promise: one booking in Cal.com, one SMS to the caller, the admins' alerts grouped.
// Each test runs on SQLite and on a real PostgreSQL.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "calcom_signature.h"
#include "retell_signature.h"
#include "support/demo_env.h"
#include "support/eventually.h"
#include "support/fake_calcom.h"
#include "support/fake_telegram.h"
#include "support/fake_twilio.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/inbox_idle.h"
#include "support/paths.h"
#include "support/postgres_server.h"
#include "support/secrets_key.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/test_database.h"
#include "switchboard/http_client.h"
#include "switchboard/time.h"
#include "twilio_signature.h"

namespace {

namespace time = switchboard::time;

const std::string kRetellKey = "product-test-retell-key";
const std::string kCalKey = "cal_product_test";
const std::string kCalSecret = "calcom_product_test_secret";
const std::string kSid = "AC00000000000000000000000000000077";
const std::string kTwilioToken = "product-test-twilio-token";
const std::string kFrom = "+4930555000";
const std::string kBot = "777:product-test-bot";
const std::string kOps = "-1000000000077";
const std::string kSalonChat = "-1001234567";  // salon-mitte's alerts.telegram_chat_id
const std::string kPublic = "https://switchboard.example.com";
const std::string kCaller = "+491701234567";  // the Retell fixtures' caller, Jana Weber
constexpr long long kTeam = 4711, kCut = 101, kColor = 102;

// Replaces the one occurrence of `from` (the test fails loudly if the shipped file changed).
void replaceOnce(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << "not in the shipped config: " << from;
  text.replace(at, from.size(), to);
}

std::string retellFixture(const std::string& name) {
  return sbtest::fixture("retell/" + name);
}

class Product : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url_ = GetParam() == "sqlite" ? "sqlite://" + (dir_.path() / "sb.db").string()
                                  : sbtest::PostgresServer::shared().createDatabase();
    // The example tenants, without the salon's quiet hours (the test may run at night).
    const auto tenants = dir_.path() / "tenants";
    std::filesystem::create_directories(tenants);
    for (const auto& f :
         std::filesystem::directory_iterator(sbtest::sourceDir() + "/config/tenants")) {
      auto text = sbtest::readFile(f.path().string());
      const auto quiet = text.find("    quiet_hours:");
      if (quiet != std::string::npos) text.erase(quiet, text.find('\n', quiet) + 1 - quiet);
      std::ofstream(tenants / f.path().filename()) << text;
    }
    std::string c = sbtest::readFile(sbtest::sourceDir() + "/config/switchboard.yaml");
    c = "plugin_dirs: [\"" + sbtest::pluginDir() + "\"]\n" + c;
    replaceOnce(c, "url: \"sqlite://../var/switchboard.db\"", "url: \"" + url_ + "\"");
    replaceOnce(c, "tenants: tenants ", "tenants: \"" + tenants.string() + "\" ");
    replaceOnce(c, "retry: { base_ms: 1000, cap_ms: 600000,", "retry: { base_ms: 50, cap_ms: 300,");
    replaceOnce(c, "quiet_hours: \"21:00-08:00\"", "quiet_hours: none");
    replaceOnce(c, "base_url: \"https://api.retellai.com\"", "base_url: \"" + retell_.url() + "\"");
    replaceOnce(c, "base_url: \"https://api.cal.com\"", "base_url: \"" + calcom_.url() + "\"");
    replaceOnce(c, "base_url: \"https://api.twilio.com\"", "base_url: \"" + twilio_.url() + "\"");
    replaceOnce(c, "base_url: \"https://api.telegram.org\"",
                "base_url: \"" + telegram_.url() + "\"");
    // Cal.com's breaker opens after two failures and tries again after 300 ms.
    const auto calcom = c.find("\n  calcom:");
    const std::string client = "http_client: { timeout_ms: 5000, max_attempts: 3 }";
    ASSERT_NE(c.find(client, calcom), std::string::npos);
    c.replace(c.find(client, calcom), client.size(),
              "http_client: { timeout_ms: 5000, max_attempts: 1, breaker_failures: 2, "
              "breaker_cooldown_ms: 300 }");
    const auto config = dir_.write("switchboard.yaml", c);

    auto env = sbtest::scriptsRunEnv();
    for (auto& [name, value] : env) {
      if (name == "RETELL_API_KEY") value = kRetellKey;
      if (name == "SALON_MITTE_CALCOM_KEY") value = kCalKey;
      if (name == "SALON_MITTE_CALCOM_WEBHOOK_SECRET") value = kCalSecret;
      if (name == "TWILIO_ACCOUNT_SID") value = kSid;
      if (name == "TWILIO_AUTH_TOKEN") value = kTwilioToken;
      if (name == "TWILIO_FROM") value = kFrom;
      if (name == "SWITCHBOARD_PUBLIC_URL") value = kPublic;
      if (name == "TELEGRAM_BOT_TOKEN") value = kBot;
      if (name == "TELEGRAM_OPS_CHAT_ID") value = kOps;
    }
    env.emplace_back("SWITCHBOARD_SECRETS_KEY", sbtest::kSecretsKey);
    server_ = std::make_unique<sbtest::ServerProcess>(
        std::vector<std::string>{sbtest::serverBinary(), "serve", "--config", config, "--listen",
                                 "127.0.0.1:0"},
        env);
    const auto port = server_->waitUntilListening();
    ASSERT_TRUE(port) << server_->output();
    port_ = *port;
    calcom_.webhooksTo(port_, "/webhooks/calcom", kCalSecret);
  }

  int postRetell(const std::string& body) {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return sbtest::request(port_, "POST", "/webhooks/retell", body,
                           {{"Content-Type", "application/json"},
                            {"X-Retell-Signature", retell::signatureHeader(body, kRetellKey, now)}})
        .status;
  }
  void callTwiceOver(const std::string& analyzed) {  // each webhook delivered twice
    for (int round = 0; round < 2; ++round) {
      EXPECT_EQ(postRetell(retellFixture("call_started.json")), 204);
      EXPECT_EQ(postRetell(retellFixture("call_ended.json")), 204);
      EXPECT_EQ(postRetell(analyzed), 204);
    }
  }

  // Twilio's status callback to the URL the message asked for, signed as Twilio signs it.
  int postStatus(const std::string& callback, const std::string& sid, const std::string& status) {
    const std::vector<std::pair<std::string, std::string>> form{
        {"AccountSid", kSid}, {"MessageSid", sid}, {"MessageStatus", status},
        {"To", kCaller},      {"From", kFrom},     {"ApiVersion", "2010-04-01"}};
    EXPECT_EQ(callback.rfind(kPublic, 0), 0u) << callback;
    const auto path = callback.substr(kPublic.size());
    return sbtest::request(
               port_, "POST", path, switchboard::formEncode(form),
               {{"Content-Type", "application/x-www-form-urlencoded"},
                {"X-Twilio-Signature", twilio::signatureOf(callback, form, kTwilioToken)}})
        .status;
  }

  bool settled() { return sbtest::dueWorkDone(url_); }
  std::string column(const std::string& sql) {
    auto db = sbtest::openDatabase(url_);
    std::string out;
    soci::indicator ind = soci::i_ok;
    db << sql, soci::into(out, ind);
    return db.got_data() && ind == soci::i_ok ? out : "<none>";
  }

  sbtest::TempDir dir_;
  std::string url_;
  switchboard::testing::FakeUpstream retell_;  // Retell's API: not called by these flows
  sbtest::FakeCalcom calcom_{kCalKey, kTeam, {kCut, kColor}};
  sbtest::FakeTwilio twilio_{kSid, kTwilioToken};
  sbtest::FakeTelegram telegram_{kBot};
  std::unique_ptr<sbtest::ServerProcess> server_;
  std::uint16_t port_ = 0;
};

TEST_P(Product, ACallIsBookedAndTheCallerTextedOnceThenToldOfTheCancellation) {
  // The fixture's caller asks for a Haarschnitt "heute um 15 Uhr" on Thursday 2025-11-27.
  calcom_.addFree(kCut, *time::parseUtc("2025-11-27T14:00:00Z"));
  callTwiceOver(retellFixture("call_analyzed.json"));
  ASSERT_TRUE(sbtest::eventually([&] { return twilio_.taken().size() == 1; })) << server_->output();
  ASSERT_TRUE(settled());
  ASSERT_EQ(calcom_.bookings().size(), 1u);
  const auto sms = twilio_.taken();
  ASSERT_EQ(sms.size(), 1u);
  EXPECT_EQ(twilio_.posts().size(), 1u);
  EXPECT_EQ(sms[0].to, kCaller);
  EXPECT_EQ(sms[0].from, kFrom);
  EXPECT_EQ(
      sms[0].body,
      "Hallo Jana Weber, Ihr Termin für Haarschnitt bei Salon Mitte GmbH (Mitte) ist gebucht: "
      "Donnerstag, 27. November 2025 um 15:00 Uhr. Torstraße 1, 10119 Berlin");
  EXPECT_TRUE(telegram_.sent().empty());  // nothing went wrong: no admin is bothered

  // Twilio reports the delivery: the message's state follows, once.
  EXPECT_EQ(postStatus(sms[0].status_callback, sms[0].sid, "delivered"), 204);
  EXPECT_EQ(postStatus(sms[0].status_callback, sms[0].sid, "sent"), 204);  // late: ignored
  ASSERT_TRUE(sbtest::eventually([&] {
    return column("SELECT status FROM notification_messages WHERE provider_ref = '" + sms[0].sid +
                  "'") == "delivered";
  })) << server_->output();

  // Cancelled in Cal.com itself: its signed webhook reaches the booking, the caller is told.
  EXPECT_EQ(calcom_.cancelInCalcom(calcom_.bookings()[0].uid, "Krank"), 200);
  ASSERT_TRUE(sbtest::eventually([&] { return twilio_.taken().size() == 2; })) << server_->output();
  ASSERT_TRUE(settled());
  EXPECT_EQ(
      twilio_.taken()[1].body,
      "Hallo Jana Weber, Ihr Termin für Haarschnitt am Donnerstag, 27. November 2025 um 15:00 "
      "Uhr bei Salon Mitte GmbH ist storniert.");
  EXPECT_EQ(twilio_.taken().size(), 2u);
}

TEST_P(Product, ACallToAnUnknownNumberBooksNothingAndTellsOperationsOnce) {
  auto analyzed = retellFixture("call_analyzed.json");
  replaceOnce(analyzed, "+49301234567", "+49309999999");  // nobody's number
  for (int round = 0; round < 3; ++round) EXPECT_EQ(postRetell(analyzed), 204);
  ASSERT_TRUE(sbtest::eventually([&] { return telegram_.sent().size() == 1; }))
      << server_->output();
  ASSERT_TRUE(settled());
  const auto sent = telegram_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].chat_id, kOps);  // no company to tell: operations
  EXPECT_NE(sent[0].text.find("+49309999999"), std::string::npos) << sent[0].text;
  EXPECT_TRUE(calcom_.upstream().requests("POST", "/v2/bookings").empty());
  EXPECT_TRUE(twilio_.posts().empty());
}

TEST_P(Product, ACalcomOutageIsOneAlertAndOneResolvedAndTheCallIsStillBookedAndTextedOnce) {
  calcom_.addFree(kCut, *time::parseUtc("2025-11-27T14:00:00Z"));
  // Cal.com down: the slots read fails, then the retry's look for an earlier booking, twice
  // in a row: the breaker opens; the job waits out its cool-down (not spending its attempts),
  // the first probe fails again, the next finds Cal.com back.
  calcom_.upstream().failNext("GET", "/v2/slots", 1);
  calcom_.upstream().failNext("GET", "/v2/bookings", 2);
  callTwiceOver(retellFixture("call_analyzed.json"));
  ASSERT_TRUE(sbtest::eventually([&] { return twilio_.taken().size() == 1; })) << server_->output();
  // Opened and resolved, each once in the salon's chat and in operations.
  ASSERT_TRUE(sbtest::eventually([&] { return telegram_.sent().size() == 4; }))
      << server_->output();
  ASSERT_TRUE(settled());
  EXPECT_EQ(calcom_.bookings().size(), 1u);
  EXPECT_EQ(twilio_.taken().size(), 1u);
  for (const auto& chat : {kSalonChat, kOps}) {
    const auto told = telegram_.sentTo(chat);
    ASSERT_EQ(told.size(), 2u) << chat;
    EXPECT_NE(told[0].text.find("calcom"), std::string::npos) << told[0].text;
    EXPECT_EQ(told[0].parse_mode, "HTML");
  }
  EXPECT_EQ(telegram_.sent().size(), 4u);
}

INSTANTIATE_TEST_SUITE_P(Backends, Product, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
