#include "support/shipped_server.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "retell_signature.h"
#include "support/demo_env.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/inbox_idle.h"
#include "support/paths.h"
#include "support/postgres_server.h"
#include "support/secrets_key.h"
#include "support/test_database.h"
#include "switchboard/http_client.h"
#include "twilio_signature.h"

namespace sbtest::shipped {

void replaceOnce(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << "not in the text: " << from;
  text.replace(at, from.size(), to);
}

std::string retellFixture(const std::string& name) {
  return sbtest::fixture("retell/" + name);
}

void ShippedServer::start(const std::string& backend,
                          const std::vector<std::pair<std::string, std::string>>& extra_env) {
  url_ = backend == "sqlite" ? "sqlite://" + (dir_.path() / "sb.db").string()
                             : sbtest::PostgresServer::shared().createDatabase();
  // The example tenants, without the salon's quiet hours (the test may run at night).
  const auto tenants = dir_.path() / "tenants";
  std::filesystem::create_directories(tenants);
  for (const auto& f :
       std::filesystem::directory_iterator(sbtest::sourceDir() + "/config/tenants")) {
    auto text = sbtest::readFile(f.path().string());
    const auto quiet = text.find("    quiet_hours:");
    if (quiet != std::string::npos) text.erase(quiet, text.find('\n', quiet) + 1 - quiet);
    if (edit_tenant_) edit_tenant_(f.path().filename().string(), text);
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
  replaceOnce(c, "base_url: \"https://api.telegram.org\"", "base_url: \"" + telegram_.url() + "\"");
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
    if (name == "SWITCHBOARD_ADMIN_TOKEN") value = kAdminToken;
  }
  env.emplace_back("SWITCHBOARD_SECRETS_KEY", sbtest::kSecretsKey);
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  server_ = std::make_unique<sbtest::ServerProcess>(
      std::vector<std::string>{sbtest::serverBinary(), "serve", "--config", config, "--listen",
                               "127.0.0.1:0"},
      env);
  const auto port = server_->waitUntilListening();
  ASSERT_TRUE(port) << server_->output();
  port_ = *port;
  calcom_.webhooksTo(port_, "/webhooks/calcom", kCalSecret);
}

int ShippedServer::postRetell(const std::string& body, const std::string& path) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return sbtest::request(port_, "POST", path, body,
                         {{"Content-Type", "application/json"},
                          {"X-Retell-Signature", retell::signatureHeader(body, kRetellKey, now)}})
      .status;
}

int ShippedServer::postStatus(const std::string& callback, const std::string& sid,
                              const std::string& status) {
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

bool ShippedServer::settled() {
  return sbtest::dueWorkDone(url_);
}

std::string ShippedServer::column(const std::string& sql) {
  auto db = sbtest::openDatabase(url_);
  std::string out;
  soci::indicator ind = soci::i_ok;
  db << sql, soci::into(out, ind);
  return db.got_data() && ind == soci::i_ok ? out : "<none>";
}

}  // namespace sbtest::shipped
