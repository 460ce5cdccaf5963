// The real binary as an admin runs it: CLI commands, signals, exit codes, logs.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <csignal>
#include <sstream>

#include "support/demo_env.h"
#include "support/http_client.h"
#include "support/paths.h"
#include "support/secrets_key.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "switchboard/abi.h"

namespace {

using sbtest::request;
using sbtest::ServerProcess;
using sbtest::TempDir;

std::string config(const std::string& body) {
  return "plugin_dirs: [\"" + sbtest::testPluginDir() + "\"]\n" + body;
}

const std::string kProbe =
    "plugins:\n  probe: { library: probe }\n"
    "routes:\n"
    "  - { method: GET, path: /old, plugin: probe, handler: echo }\n"
    "  - { method: GET, path: /slow, plugin: probe, handler: slow }\n";

ServerProcess serve(const std::string& path,
                    std::vector<std::pair<std::string, std::string>> env = {}) {
  return ServerProcess(
      {sbtest::serverBinary(), "serve", "--config", path, "--listen", "127.0.0.1:0"},
      std::move(env));
}

TEST(Process, SighupReloadsTheFile) {
  TempDir dir;
  const auto path = dir.write("c.yaml", config(kProbe));
  auto server = serve(path);
  const auto port = server.waitUntilListening();
  ASSERT_TRUE(port) << server.output();
  EXPECT_EQ(request(*port, "GET", "/new").status, 404);

  dir.write("c.yaml", config("plugins:\n  probe: { library: probe }\nroutes:\n"
                             "  - { method: GET, path: /new, plugin: probe, handler: echo }\n"));
  const auto mark = server.output().size();
  server.signal(SIGHUP);
  ASSERT_TRUE(server.waitForOutput("generation 2 is serving", mark)) << server.output();
  EXPECT_EQ(request(*port, "GET", "/new").status, 200);

  dir.write("c.yaml", config("plugins: [oops\n"));
  const auto mark2 = server.output().size();
  server.signal(SIGHUP);
  ASSERT_TRUE(server.waitForOutput("config reload refused", mark2)) << server.output();
  EXPECT_NE(server.output().find(path + ":3:1: end of sequence flow not found"), std::string::npos)
      << server.output();
  EXPECT_EQ(request(*port, "GET", "/new").status, 200);
}

TEST(Process, SigtermDrainsTheRequestInFlightThenExitsZero) {
  TempDir dir;
  auto server = serve(dir.write("c.yaml", config(kProbe)));
  const auto port = server.waitUntilListening();
  ASSERT_TRUE(port) << server.output();
  sbtest::Connection slow(*port);
  const auto mark = server.output().size();
  slow.send("GET", "/slow?ms=600");
  ASSERT_TRUE(server.waitForOutput("slow request", mark)) << server.output();
  server.signal(SIGTERM);
  const auto r = slow.read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "slow done");
  EXPECT_EQ(r.header("connection"), "close") << "a draining server tells clients to go";
  EXPECT_EQ(server.waitForExit(), 0) << server.output();
  EXPECT_NE(server.output().find("draining in-flight requests"), std::string::npos);
}

TEST(Process, SigtermEndsTheProcessByItsDeadlineWhateverAHandlerIsDoing) {
  // A handler that would hold its thread for a minute, and a drain of 300 ms: the process is
  // gone within the drain plus the 3 s margin for stopping plugins, not after the handler.
  TempDir dir;
  auto server = serve(dir.write("c.yaml", config("server: { drain_timeout_ms: 300 }\n" + kProbe)));
  const auto port = server.waitUntilListening();
  ASSERT_TRUE(port) << server.output();
  sbtest::Connection stuck(*port);
  const auto mark = server.output().size();
  stuck.send("GET", "/slow?ms=60000");
  ASSERT_TRUE(server.waitForOutput("slow request", mark)) << server.output();
  const auto signalled = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  EXPECT_EQ(server.waitForExit(std::chrono::seconds(30)), 0) << server.output();
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(10));
  EXPECT_NE(server.output().find("shutdown took longer than 3300 ms"), std::string::npos)
      << server.output();
}

TEST(Process, PluginFailingToStartExitsNonZeroNamingIt) {
  TempDir dir;
  auto server = serve(dir.write("c.yaml", config("plugins:\n  probe: { library: probe, config: { "
                                                 "fail_in: start } }\n")));
  EXPECT_EQ(server.waitForExit(), 1);
  EXPECT_NE(server.output().find("plugin 'probe'"), std::string::npos) << server.output();
  EXPECT_NE(server.output().find("start failed: probe was told to fail in start"),
            std::string::npos);
}

TEST(Process, CheckConfigAcceptsAGoodFileAndListsEveryProblemOfABadOne) {
  TempDir dir;
  std::string out;
  const auto good = dir.write("good.yaml", config(kProbe));
  EXPECT_EQ(sbtest::runCommand({sbtest::serverBinary(), "check-config", good}, out), 0) << out;
  EXPECT_NE(out.find(good + ": ok"), std::string::npos);

  const auto bad = dir.write("bad.yaml", config("server: { threads: 0 }\nplugins:\n"
                                                "  probe: { library: probe, colour: red }\n"));
  EXPECT_EQ(sbtest::runCommand({sbtest::serverBinary(), "check-config", bad}, out), 1);
  EXPECT_NE(out.find(bad + ":2:20: server.threads must be between 1 and 256"), std::string::npos)
      << out;
  EXPECT_NE(out.find(bad + ":4:28: unknown key 'colour' in plugins.probe"), std::string::npos)
      << out;
}

TEST(Process, CheckConfigChecksTheShippedDefault) {
  std::string out;
  // With the values scripts/run provides for the example catalog.
  auto env = sbtest::scriptsRunEnv();
  env.emplace_back("SWITCHBOARD_SECRETS_KEY", sbtest::kSecretsKey);
  EXPECT_EQ(sbtest::runCommand({sbtest::serverBinary(), "check-config",
                                sbtest::sourceDir() + "/config/switchboard.yaml"},
                               out, env),
            0)
      << out;
}

TEST(Process, VersionHelpAndUsageErrors) {
  std::string out;
  EXPECT_EQ(sbtest::runCommand({sbtest::serverBinary(), "--version"}, out), 0);
  EXPECT_EQ(out, std::string("switchboard ") + SWITCHBOARD_VERSION + " (SDK ABI " +
                     std::to_string(switchboard::kSdkAbiVersion) + ")\n");
  EXPECT_EQ(sbtest::runCommand({sbtest::serverBinary(), "--help"}, out), 0);
  EXPECT_NE(out.find("switchboard check-config FILE"), std::string::npos);
  EXPECT_EQ(sbtest::runCommand({sbtest::serverBinary(), "serve", "--bogus"}, out), 2);
  EXPECT_NE(out.find("unexpected argument '--bogus'"), std::string::npos);
}

TEST(Process, PluginsCommandListsVersionsAndServices) {
  TempDir dir;
  std::string out;
  const auto path = dir.write("c.yaml", config("plugins:\n  needy: { library: needy }\n"
                                               "  probe: { library: probe, optional: true }\n"));
  EXPECT_EQ(sbtest::runCommand({sbtest::serverBinary(), "plugins", "--config", path}, out), 0)
      << out;
  EXPECT_NE(
      out.find("needy\t" + sbtest::testPluginDir() + "/needy.so\tneedy 0.1.0\tABI " +
               std::to_string(switchboard::kSdkAbiVersion) + "\tprovides -\tneeds probe.counter\n"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("probe 2.3.4\tABI " + std::to_string(switchboard::kSdkAbiVersion) +
                     "\tprovides probe.counter\tneeds -\t(optional)"),
            std::string::npos);
}

TEST(Process, SecretsFromTheEnvironmentNeverReachTheLog) {
  TempDir dir;
  auto server = serve(dir.write("c.yaml", config("plugins:\n  probe:\n    library: probe\n"
                                                 "    config: { secret: \"${SB_TEST_TOKEN}\" }\n")),
                      {{"SB_TEST_TOKEN", "tok_live_5f3a9c"}});
  ASSERT_TRUE(server.waitUntilListening()) << server.output();
  server.signal(SIGTERM);
  EXPECT_EQ(server.waitForExit(), 0);
  EXPECT_NE(server.output().find("probe configured with secret ***"), std::string::npos)
      << server.output();
  EXPECT_EQ(server.output().find("tok_live_5f3a9c"), std::string::npos);
}

TEST(Process, JsonLogsAreOneJsonObjectPerLine) {
  TempDir dir;
  auto server = serve(dir.write("c.yaml", config("logging: { format: json }\n" + kProbe)));
  ASSERT_TRUE(server.waitUntilListening()) << server.output();
  server.signal(SIGTERM);
  EXPECT_EQ(server.waitForExit(), 0);
  std::istringstream lines(server.output());
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    ASSERT_FALSE(doc.HasParseError()) << line;
    EXPECT_TRUE(doc.HasMember("time") && doc.HasMember("level") && doc.HasMember("message"));
  }
  EXPECT_GE(count, 3);
}

}  // namespace
