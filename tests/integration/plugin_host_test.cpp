// Loading, ordering, failing and optional plugins, through the kernel as the server runs it.
#include "plugin_host/plugin_host.h"

#include <gtest/gtest.h>

#include "plugin_host/library_loader.h"
#include "support/http_client.h"
#include "support/kernel_harness.h"
#include "switchboard/domain/version.h"

namespace {

using sbtest::KernelHarness;

TEST(PluginHost, RefusesAPluginBuiltForAnotherAbiNamingBothVersionsAndTheFile) {
  const std::string path = sbtest::testPluginDir() + "/abi_mismatch.so";
  try {
    switchboard::kernel::plugins::openPluginLibrary(path);
    FAIL() << "expected a LoadError";
  } catch (const switchboard::kernel::plugins::LoadError& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find(path), std::string::npos) << text;
    EXPECT_NE(text.find("SDK ABI version 999"), std::string::npos) << text;
    EXPECT_NE(text.find("ABI version " + std::to_string(switchboard::kSdkAbiVersion)),
              std::string::npos)
        << text;
  }
}

// Domain types are versioned apart: only a plugin that declares it uses them is checked, and
// one built against other domain headers is refused; plugins that never touch them (probe,
// hello) load whatever the domain version.
TEST(PluginHost, RefusesAPluginBuiltAgainstOtherDomainHeaders) {
  const std::string path = sbtest::testPluginDir() + "/domain_mismatch.so";
  try {
    switchboard::kernel::plugins::openPluginLibrary(path);
    FAIL() << "expected a LoadError";
  } catch (const switchboard::kernel::plugins::LoadError& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("domain types of version 999"), std::string::npos) << text;
    EXPECT_NE(text.find("share version " + std::to_string(switchboard::domain::kDomainVersion)),
              std::string::npos)
        << text;
  }
  EXPECT_NO_THROW(
      switchboard::kernel::plugins::openPluginLibrary(sbtest::pluginDir() + "/directory.so"));
  EXPECT_NO_THROW(
      switchboard::kernel::plugins::openPluginLibrary(sbtest::testPluginDir() + "/probe.so"));
}

TEST(PluginHost, AbiMismatchStopsTheServerFromStarting) {
  KernelHarness h("plugins:\n  stale: { library: abi_mismatch }\n");
  try {
    h.start();
    FAIL() << "expected the start to fail";
  } catch (const switchboard::kernel::plugins::PluginFailure& e) {
    EXPECT_NE(std::string(e.what()).find("plugin 'stale'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("version 999"), std::string::npos) << e.what();
  }
}

TEST(PluginHost, NotAPluginIsRefusedClearly) {
  // The SDK library itself is a shared library without the plugin exports.
  try {
    switchboard::kernel::plugins::openPluginLibrary(sbtest::buildDir() +
                                                    "/lib/libswitchboard_sdk.so");
    FAIL() << "expected a LoadError";
  } catch (const switchboard::kernel::plugins::LoadError& e) {
    EXPECT_NE(std::string(e.what()).find("not a Switchboard plugin"), std::string::npos);
  }
}

TEST(PluginHost, PluginThrowingInStartFailsTheStartWithItsNameAndMessage) {
  KernelHarness h("plugins:\n  probe: { library: probe, config: { fail_in: start } }\n");
  try {
    h.start();
    FAIL() << "expected the start to fail";
  } catch (const switchboard::kernel::plugins::PluginFailure& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("plugin 'probe'"), std::string::npos) << text;
    EXPECT_NE(text.find("start failed: probe was told to fail in start"), std::string::npos);
  }
  EXPECT_EQ(h.port(), 0) << "nothing may listen after a failed start";
}

TEST(PluginHost, OptionalPluginFailureIsLoggedAndTheRestServes) {
  KernelHarness h(
      "plugins:\n"
      "  broken: { library: probe, optional: true, config: { fail_in: configure } }\n"
      "  hello: { library: hello }\n"
      "routes:\n"
      "  - { method: GET, path: /broken, plugin: broken, handler: echo }\n"
      "  - { method: GET, path: /hello, plugin: hello, handler: greet }\n");
  h.start();
  EXPECT_EQ(sbtest::request(h.port(), "GET", "/hello").status, 200);
  const auto broken = sbtest::request(h.port(), "GET", "/broken");
  EXPECT_EQ(broken.status, 503);
  EXPECT_NE(broken.body.find("unavailable"), std::string::npos);
  const auto health = sbtest::request(h.port(), "GET", "/api/health/detailed");
  EXPECT_NE(health.body.find(R"("status":"degraded")"), std::string::npos) << health.body;
  EXPECT_NE(health.body.find(R"("state":"failed")"), std::string::npos);
  EXPECT_NE(h.logs().find("optional plugin: going on without it"), std::string::npos);
}

TEST(PluginHost, ProvidersAreConfiguredBeforeTheirUsersWhateverTheYamlOrder) {
  KernelHarness h(
      "plugins:\n"
      "  needy: { library: needy }\n"
      "  probe: { library: probe }\n"
      "routes:\n"
      "  - { method: POST, path: /count, plugin: needy, handler: count }\n");
  h.start();
  EXPECT_EQ(sbtest::request(h.port(), "POST", "/count").body, R"({"count":1})");
  EXPECT_EQ(sbtest::request(h.port(), "POST", "/count").body, R"({"count":2})");
}

TEST(PluginHost, UnmetNeedIsAStartError) {
  KernelHarness h("plugins:\n  needy: { library: needy }\n");
  try {
    h.start();
    FAIL() << "expected the start to fail";
  } catch (const switchboard::kernel::plugins::PluginFailure& e) {
    EXPECT_NE(std::string(e.what()).find("needs service 'probe.counter'"), std::string::npos)
        << e.what();
  }
}

TEST(PluginHost, SameLibraryRunsAsTwoInstancesWithTheirOwnConfig) {
  KernelHarness h(
      "plugins:\n"
      "  en: { library: hello, config: { greeting: Hello } }\n"
      "  de: { library: hello, config: { greeting: Hallo } }\n"
      "routes:\n"
      "  - { method: GET, path: /en, plugin: en, handler: greet }\n"
      "  - { method: GET, path: /de, plugin: de, handler: greet }\n");
  h.start();
  EXPECT_EQ(sbtest::request(h.port(), "GET", "/en?name=Ann").body, R"({"message":"Hello, Ann!"})");
  EXPECT_EQ(sbtest::request(h.port(), "GET", "/de?name=Ann").body, R"({"message":"Hallo, Ann!"})");
}

}  // namespace
