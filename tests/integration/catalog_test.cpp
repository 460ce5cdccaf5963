// The directory plugin's catalog: the shipped examples, each validation error with its place,
// reload (change, add, remove), and secrets encrypted at rest.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <fstream>
#include <sstream>

#include "support/kernel_harness.h"
#include "support/paths.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/tenants.h"
#include "switchboard/crypto.h"
#include "switchboard/domain/repositories.h"

namespace {

using namespace switchboard::domain;

class Catalog : public ::testing::Test {
 protected:
  void SetUp() override { setenv("SWITCHBOARD_SECRETS_KEY", sbtest::kSecretsKey, 1); }

  std::string dbUrl() const { return "sqlite://" + (dir_.path() / "sb.db").string(); }
  std::string tenantsDir() const { return (dir_.path() / "tenants").string(); }
  void writeTenant(const std::string& name, const std::string& yaml) {
    dir_.write("tenants/" + name, yaml);
  }

  std::unique_ptr<sbtest::KernelHarness> harness() {
    return std::make_unique<sbtest::KernelHarness>(sbtest::directoryConfig(dbUrl(), tenantsDir()),
                                                   sbtest::tenantEnv);
  }

  // What check-config reports, with the temp folder shown as "tenants/".
  std::string problems() {
    auto h = harness();
    try {
      h->kernel().prepare(false);
    } catch (const std::exception& e) {
      std::string text = e.what();
      const std::string dir = tenantsDir() + "/";
      for (auto pos = text.find(dir); pos != std::string::npos; pos = text.find(dir))
        text.replace(pos, dir.size(), "tenants/");
      return text;
    }
    return "";
  }

  std::string fileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
  }

  sbtest::TempDir dir_;
};

TEST_F(Catalog, ASecretInTheCatalogWithoutTheKeyIsRefused) {
  unsetenv("SWITCHBOARD_SECRETS_KEY");
  writeTenant("alpha.yaml", sbtest::alphaCompany());
  const auto text = problems();
  EXPECT_NE(text.find("the environment variable SWITCHBOARD_SECRETS_KEY (the secrets key) is not "
                      "set; the catalog holds secrets"),
            std::string::npos)
      << text;
}

TEST_F(Catalog, EachProblemIsReportedWithFileLineAndColumn) {
  writeTenant("alpha.yaml", sbtest::alphaCompany());
  writeTenant(
      "bad.yaml",
      "company: { id: bad, name: Bad, currency: EUR, country: DE, settings: { a: [1] } }\n"  // 1
      "branches:\n"                                                                          // 2
      "  - id: one\n"                                                                        // 3
      "    name: One\n"                                                                      // 4
      "    timezone: Europe/Nowhere\n"                                                       // 5
      "    phone_numbers: [\"12\", \"+49 30 1111111\"]\n"                                    // 6
      "    working_hours: { mon: [\"09:00-13:00\", \"12:00-15:00\"] }\n"                     // 7
      "services:\n"                                                                          // 8
      "  - { id: x, name: X, duration_min: 30, price: \"1.00\", branches: [nowhere] }\n"     // 9
      "  - { id: y, name: Y, duration_min: 30, price: \"1.005\", staff: [ghost] }\n");       // 10
  const auto text = problems();
  for (const auto* expected :
       {"tenants/bad.yaml:1:75: company.settings.a must be a single value (text, number or "
        "true/false)",
        "tenants/bad.yaml:5:15: branch 'one'.timezone 'Europe/Nowhere' is not an IANA time zone",
        "tenants/bad.yaml:6:21: branch 'one'.phone_numbers: '12' is not a valid phone number",
        "tenants/bad.yaml:6:27: phone number +49301111111 is already claimed by company 'alpha' "
        "at tenants/alpha.yaml:10",
        "tenants/bad.yaml:7:43: branch 'one'.working_hours.mon: 12:00-15:00 overlaps 09:00-13:00",
        "tenants/bad.yaml:9:67: service 'x'.branches: unknown branch 'nowhere'",
        "tenants/bad.yaml:10:48: service 'y'.price '1.005' is not an amount in EUR",
        "tenants/bad.yaml:10:65: service 'y'.staff: unknown staff member 'ghost'"})
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
}

TEST_F(Catalog, PhoneNumbersInCommonFormatsBecomeE164AndAmbiguousOnesAreRefused) {
  const auto company = [](const std::string& numbers) {
    return "company: { id: de, name: DE, currency: EUR, country: DE }\n"
           "branches:\n"
           "  - { id: b, name: B, timezone: Europe/Berlin, phone_numbers: [" +
           numbers + "] }\n";
  };
  writeTenant("de.yaml", company(R"("030 7654321", "+49 (30) 2345678", "0049 30 3456789")"));
  {
    auto h = harness();
    h->start();
    auto session = h->kernel().store()->session();
    auto db = h->kernel().store()->over(*session);
    std::vector<std::string> e164;
    for (const auto& n : h->kernel().services().get<Directory>().phoneNumbers(*db, "de"))
      e164.push_back(n.e164);
    EXPECT_EQ(e164, (std::vector<std::string>{"+49302345678", "+49303456789", "+49307654321"}));
  }
  // Digits without + read both as a German national number and as +49…: refused, not guessed.
  writeTenant("de.yaml", company(R"("491701234567")"));
  EXPECT_NE(
      problems().find("tenants/de.yaml:3:64: branch 'b'.phone_numbers: '491701234567' is "
                      "ambiguous (+49491701234567 or +491701234567): write it with a leading +"),
      std::string::npos)
      << problems();
}

TEST_F(Catalog, AYamlSyntaxErrorNamesItsPlace) {
  writeTenant("broken.yaml", "company: { id: x\nbranches: [\n");
  EXPECT_NE(problems().find("tenants/broken.yaml:2:9: end of map flow not found"),
            std::string::npos)
      << problems();
}

TEST_F(Catalog, ReloadChangesAddsAndDeactivatesWithoutDeleting) {
  writeTenant("alpha.yaml", sbtest::alphaCompany());
  writeTenant("beta.yaml", sbtest::betaCompany());
  auto h = harness();
  h->start();
  auto& directory = h->kernel().services().get<Directory>();
  auto session = h->kernel().store()->session();
  auto db = h->kernel().store()->over(*session);
  ASSERT_EQ(directory.adminCompanies(*db).size(), 2u);
  using Settings = std::map<std::string, std::string>;
  EXPECT_EQ(directory.company(*db, "alpha")->settings,
            (Settings{{"greeting", "Hallo, Alpha"}, {"min_confidence", "0.8"}}));
  EXPECT_TRUE(directory.company(*db, "beta")->settings.empty());

  // alpha: renamed, a setting changed, a second branch; its service gone. beta: removed.
  std::string alpha = sbtest::alphaCompany();
  alpha.replace(alpha.find("Alpha GmbH"), 10, "Alpha AG");
  alpha.replace(alpha.find("0.8"), 3, "0.9");
  alpha.replace(alpha.find("services:"), std::string::npos,
                "  - { id: second, name: Second, timezone: Europe/Vienna }\n"
                "staff:\n  - { id: ann, name: Ann Alpha }\n");
  writeTenant("alpha.yaml", alpha);
  std::filesystem::remove(tenantsDir() + "/beta.yaml");
  const auto outcome = h->kernel().reload();
  ASSERT_TRUE(outcome.applied) << outcome.error;

  EXPECT_EQ(directory.company(*db, "alpha")->name, "Alpha AG");
  EXPECT_EQ(directory.company(*db, "alpha")->settings.at("min_confidence"), "0.9");
  EXPECT_EQ(directory.branches(*db, "alpha").size(), 2u);
  EXPECT_TRUE(directory.services(*db, "alpha").empty());
  EXPECT_FALSE(directory.company(*db, "beta")->active);
  EXPECT_FALSE(directory.adminOwnerOfNumber(*db, "+12125550111"));
  EXPECT_EQ(directory.adminCompanies(*db).size(), 1u);
  // Deactivated, not deleted: history keeps its references.
  int services = 0, companies = 0;
  *session << "SELECT COUNT(*) FROM services WHERE company_id = 'alpha' AND active = 0",
      soci::into(services);
  *session << "SELECT COUNT(*) FROM companies", soci::into(companies);
  EXPECT_EQ(services, 1);
  EXPECT_EQ(companies, 2);

  // Added back: active again.
  writeTenant("beta.yaml", sbtest::betaCompany());
  ASSERT_TRUE(h->kernel().reload().applied);
  EXPECT_TRUE(directory.company(*db, "beta")->active);
  EXPECT_EQ(directory.adminOwnerOfNumber(*db, "+12125550111")->company_id, "beta");
}

TEST_F(Catalog, ABrokenCatalogOnReloadKeepsTheRunningOne) {
  writeTenant("alpha.yaml", sbtest::alphaCompany());
  auto h = harness();
  h->start();
  writeTenant("alpha.yaml", "company: { id: alpha, name: Renamed, currency: XXX }\nbranches: []\n");
  const auto outcome = h->kernel().reload();
  EXPECT_FALSE(outcome.applied);
  EXPECT_NE(outcome.error.find("alpha.yaml:1:48: company.currency 'XXX' is not a supported"),
            std::string::npos)
      << outcome.error;
  auto session = h->kernel().store()->session();
  auto db = h->kernel().store()->over(*session);
  EXPECT_EQ(h->kernel().services().get<Directory>().company(*db, "alpha")->name, "Alpha GmbH");
}

TEST_F(Catalog, SecretsAreEncryptedAtRestAndOpenOnlyWithTheKey) {
  writeTenant("alpha.yaml", sbtest::alphaCompany());
  {
    auto h = harness();
    h->start();
    auto session = h->kernel().store()->session();
    auto db = h->kernel().store()->over(*session);
    auto& directory = h->kernel().services().get<Directory>();
    EXPECT_EQ(directory.secret(*db, "alpha", "calcom.api_key"), sbtest::kAlphaCalcomKey);
    // The plaintext is nowhere in the database files, the WAL included.
    for (const auto* suffix : {"", "-wal"})
      EXPECT_EQ(fileBytes((dir_.path() / "sb.db").string() + suffix).find(sbtest::kAlphaCalcomKey),
                std::string::npos);
    // The value came from ${ALPHA_CALCOM_KEY}: it never reaches the log.
    h->kernel().log()->info("about to use {}", sbtest::kAlphaCalcomKey);
    EXPECT_EQ(h->logs().find(sbtest::kAlphaCalcomKey), std::string::npos);
    // At rest: base64(nonce || AES-256-GCM ciphertext || tag), bound to company and name.
    std::string sealed;
    *session << "SELECT sealed FROM company_secrets WHERE company_id = 'alpha'", soci::into(sealed);
    const auto raw = switchboard::crypto::base64Decode(sealed);
    ASSERT_TRUE(raw);
    const auto key = *switchboard::crypto::base64Decode(sbtest::kSecretsKey);
    EXPECT_EQ(switchboard::crypto::open(key, *raw, "alpha\ncalcom.api_key"),
              sbtest::kAlphaCalcomKey);
    EXPECT_FALSE(switchboard::crypto::open(key, *raw, "beta\ncalcom.api_key"));
    EXPECT_FALSE(switchboard::crypto::open(std::string(32, 'x'), *raw, "alpha\ncalcom.api_key"));
  }
}

}  // namespace
