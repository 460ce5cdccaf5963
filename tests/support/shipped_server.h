// The product as shipped, for end-to-end suites: config/switchboard.yaml and the example tenants
// as they are (every plugin, route and subscription), only the providers' base URLs pointed at
// fakes on loopback (Cal.com, Twilio, Telegram: tests/support/fake_*.h), a test database, no
// quiet hours and short retry delays. A suite's fixture derives from it and calls start().
#pragma once

#include <soci/soci.h>

#include <functional>
#include <memory>
#include <string>

#include "support/fake_calcom.h"
#include "support/fake_telegram.h"
#include "support/fake_twilio.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "switchboard/testing/fake_upstream.h"

namespace sbtest::shipped {

inline const std::string kRetellKey = "product-test-retell-key";
inline const std::string kCalKey = "cal_product_test";
inline const std::string kCalSecret = "calcom_product_test_secret";
inline const std::string kSid = "AC00000000000000000000000000000077";
inline const std::string kTwilioToken = "product-test-twilio-token";
inline const std::string kFrom = "+4930555000";
inline const std::string kBot = "777:product-test-bot";
inline const std::string kOps = "-1000000000077";
inline const std::string kSalonChat = "-1001234567";  // salon-mitte's alerts.telegram_chat_id
inline const std::string kPublic = "https://switchboard.example.com";
inline const std::string kCaller = "+491701234567";      // the Retell fixtures' caller, Jana Weber
inline const std::string kSalonNumber = "+49301234567";  // salon-mitte's Mitte branch
inline const std::string kAdminToken = "product-test-admin-token";
constexpr long long kTeam = 4711, kCut = 101, kColor = 102;

// Replaces the one occurrence of `from` (the test fails loudly if the text changed).
void replaceOnce(std::string& text, const std::string& from, const std::string& to);
std::string retellFixture(const std::string& name);

class ShippedServer {
 protected:
  // "sqlite" or "postgresql": starts the server on a new database of that backend, with `env`
  // added to its environment.
  void start(const std::string& backend,
             const std::vector<std::pair<std::string, std::string>>& env = {});

  // Signed as Retell signs (the platform's key), posted to `path`; the response's status.
  int postRetell(const std::string& body, const std::string& path = "/webhooks/retell");
  // Twilio's status callback to the URL the message asked for, signed as Twilio signs it.
  int postStatus(const std::string& callback, const std::string& sid, const std::string& status);
  // Nothing due is left in the inbox (webhooks, jobs, deferred deliveries).
  bool settled();
  // The first column of the first row of `sql`, "<none>" without one.
  std::string column(const std::string& sql);

  // Set before start(): changes an example tenant's YAML (its file name, its text).
  std::function<void(const std::string&, std::string&)> edit_tenant_;

  sbtest::TempDir dir_;
  std::string url_;
  switchboard::testing::FakeUpstream retell_;  // Retell's API: not called by these flows
  sbtest::FakeCalcom calcom_{kCalKey, kTeam, {kCut, kColor}};
  sbtest::FakeTwilio twilio_{kSid, kTwilioToken};
  sbtest::FakeTelegram telegram_{kBot};
  std::unique_ptr<sbtest::ServerProcess> server_;
  std::uint16_t port_ = 0;
};

}  // namespace sbtest::shipped
