// Reloading the config while serving: applied atomically, or refused with the old one kept.
#include <gtest/gtest.h>

#include <future>

#include "support/http_client.h"
#include "support/kernel_harness.h"

namespace {

using sbtest::request;

const std::string kPlugins = "plugins:\n  probe: { library: probe }\n";
const std::string kBase = kPlugins +
                          "routes:\n"
                          "  - { method: GET, path: /old, plugin: probe, handler: echo }\n"
                          "  - { method: GET, path: /slow, plugin: probe, handler: slow }\n";

TEST(Reload, AppliesNewRoutesAndSubscriptionsAndBumpsTheGeneration) {
  sbtest::KernelHarness h(kBase);
  h.start();
  EXPECT_EQ(request(h.port(), "GET", "/new").status, 404);
  h.rewrite(kPlugins +
            "routes:\n"
            "  - { method: GET, path: /new, plugin: probe, handler: echo }\n"
            "  - { method: POST, path: /publish, plugin: probe, handler: publish }\n"
            "  - { method: GET, path: /events, plugin: probe, handler: events }\n"
            "events:\n  probe.poked: [probe.record]\n");
  const auto outcome = h.kernel().reload();
  ASSERT_TRUE(outcome.applied) << outcome.error;
  EXPECT_EQ(h.kernel().generation(), 2);
  EXPECT_EQ(request(h.port(), "GET", "/new").status, 200);
  EXPECT_EQ(request(h.port(), "GET", "/old").status, 404);
  request(h.port(), "POST", "/publish?topic=probe.poked", "{}");
  EXPECT_NE(request(h.port(), "GET", "/events").body.find("probe.poked"), std::string::npos);
  EXPECT_NE(request(h.port(), "GET", "/api/health/detailed").body.find(R"("generation":2)"),
            std::string::npos);
}

TEST(Reload, BrokenYamlKeepsTheOldConfigAndSaysWhere) {
  sbtest::KernelHarness h(kBase);
  h.start();
  h.rewrite(kPlugins + "routes:\n  - { method: GET, path: /new, plugin: probe, handler: echo\n");
  const auto outcome = h.kernel().reload();
  EXPECT_FALSE(outcome.applied);
  EXPECT_NE(outcome.error.find(h.configPath() + ":6:1: "), std::string::npos) << outcome.error;
  EXPECT_EQ(h.kernel().generation(), 1);
  EXPECT_EQ(request(h.port(), "GET", "/old").status, 200);
  EXPECT_EQ(request(h.port(), "GET", "/new").status, 404);
  EXPECT_NE(h.logs().find("config reload refused, the running config stays"), std::string::npos);
  EXPECT_NE(request(h.port(), "GET", "/api/health/metrics")
                .body.find("switchboard_config_reloads_failed_total 1\n"),
            std::string::npos);
}

TEST(Reload, UnknownHandlerKeepsTheOldConfig) {
  sbtest::KernelHarness h(kBase);
  h.start();
  h.rewrite(kPlugins + "routes:\n  - { method: GET, path: /new, plugin: probe, handler: nope }\n");
  const auto outcome = h.kernel().reload();
  EXPECT_FALSE(outcome.applied);
  EXPECT_NE(outcome.error.find("has no HTTP handler 'nope'"), std::string::npos);
  EXPECT_EQ(request(h.port(), "GET", "/old").status, 200);
}

TEST(Reload, PluginChangesAreRefusedUntilRestart) {
  sbtest::KernelHarness h(kBase);
  h.start();
  h.rewrite("plugins:\n  probe: { library: probe, config: { greeting: changed } }\n");
  const auto outcome = h.kernel().reload();
  EXPECT_FALSE(outcome.applied);
  EXPECT_NE(outcome.error.find("the plugins section changed"), std::string::npos);
  EXPECT_EQ(request(h.port(), "GET", "/old").status, 200);
}

TEST(Reload, InFlightRequestsFinishOnTheRoutesTheyStartedWith) {
  sbtest::KernelHarness h(kBase);
  h.start();
  sbtest::Connection slow(h.port());
  slow.send("GET", "/slow?ms=400");
  ASSERT_TRUE(h.waitForLog("slow request"));
  h.rewrite(kPlugins + "routes:\n  - { method: GET, path: /new, plugin: probe, handler: echo }\n");
  ASSERT_TRUE(h.kernel().reload().applied);
  const auto r = slow.read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "slow done");
  EXPECT_EQ(request(h.port(), "GET", "/slow").status, 404);
}

}  // namespace
