// How a third party starts: install the SDK, build examples/hello-plugin out of tree against
// it, and have the server load the result and answer its route.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "support/http_client.h"
#include "support/paths.h"
#include "support/server_process.h"
#include "support/temp_dir.h"

namespace {

// Installs the build's SDK under dir/sdk, then configures and builds examples/<example> in
// dir/build against it; returns that build directory.
std::string buildOutOfTree(const sbtest::TempDir& dir, const std::string& example) {
  const std::string prefix = (dir.path() / "sdk").string();
  const std::string build = (dir.path() / "build").string();
  std::string out;
  EXPECT_EQ(sbtest::runCommand(
                {"/usr/bin/cmake", "--install", sbtest::buildDir(), "--prefix", prefix}, out),
            0)
      << out;
  EXPECT_EQ(
      sbtest::runCommand({"/usr/bin/cmake", "-S", sbtest::sourceDir() + "/examples/" + example,
                          "-B", build, "-G", "Ninja", "-DCMAKE_PREFIX_PATH=" + prefix},
                         out),
      0)
      << out;
  std::ifstream cache(build + "/CMakeCache.txt");
  const std::string cached((std::istreambuf_iterator<char>(cache)), {});
  EXPECT_NE(cached.find("SwitchboardSDK_DIR:PATH=" + prefix), std::string::npos)
      << "the SDK must come from the install";
  EXPECT_EQ(sbtest::runCommand({"/usr/bin/cmake", "--build", build}, out), 0) << out;
  return build;
}

TEST(OutOfTree, ExamplePluginBuiltAgainstTheInstalledSdkLoadsAndAnswers) {
  sbtest::TempDir dir;
  const std::string build = buildOutOfTree(dir, "hello-plugin");
  ASSERT_FALSE(::testing::Test::HasFailure());

  const auto config =
      dir.write("c.yaml", "plugins:\n  greeter:\n    library: " + build +
                              "/hello.so\n"
                              "    config: { greeting: Servus }\n"
                              "routes:\n"
                              "  - { method: GET, path: /hi, plugin: greeter, handler: greet }\n"
                              "events:\n  hello.greeted: [greeter.count]\n");
  sbtest::ServerProcess server(
      {sbtest::serverBinary(), "serve", "--config", config, "--listen", "127.0.0.1:0"});
  const auto port = server.waitUntilListening();
  ASSERT_TRUE(port) << server.output();
  const auto r = sbtest::request(*port, "GET", "/hi?name=Vroni");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"message":"Servus, Vroni!"})");
  server.signal(SIGTERM);
  EXPECT_EQ(server.waitForExit(), 0) << server.output();
}

// The second example: a whole provider (durable signed webhook, upstream call job, migration,
// service, command) and its own tests on the installed test kit, built and run out of tree.
TEST(OutOfTree, TheWebhookProviderExampleBuildsAndPassesItsTestsOnTheInstalledKit) {
  sbtest::TempDir dir;
  const std::string build = buildOutOfTree(dir, "webhook-provider");
  ASSERT_FALSE(::testing::Test::HasFailure());
  std::string out;
  // The kit finds the installed server beside the installed SDK, not the build tree's.
  ASSERT_EQ(sbtest::runCommand({"/usr/bin/ctest", "--test-dir", build, "--output-on-failure"}, out),
            0)
      << out;
  EXPECT_NE(out.find("100% tests passed, 0 tests failed out of 5"), std::string::npos) << out;
}

}  // namespace
