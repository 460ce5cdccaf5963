// Plugin-contributed CLI commands, end to end through the real binary: a command that reads
// the plugin's own storage, its exit codes, and --help listing it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/demo_env.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/paths.h"
#include "support/server_process.h"
#include "support/temp_dir.h"

namespace {

std::string config(const sbtest::TempDir& dir) {
  return "plugin_dirs: [\"" + sbtest::testPluginDir() + "\"]\n" + "storage: { url: \"sqlite://" +
         (dir.path() / "cmd.db").string() + "\" }\n" +
         "plugins:\n"
         "  front-desk: { library: booker, config: { base_url: \"http://127.0.0.1:9\" } }\n"
         "routes:\n"
         "  - { method: POST, path: /intents, plugin: front-desk, handler: intend }\n";
}

int run(const std::vector<std::string>& args, std::string& output) {
  std::vector<std::string> argv = {sbtest::serverBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return sbtest::runCommand(argv, output);
}

TEST(PluginCommands, ACommandReadsThePluginsStorageAndPrintsToStdout) {
  sbtest::TempDir dir;
  const auto file = dir.write("c.yaml", config(dir));
  {
    // Something to find: an intent recorded through the running server (its job fails to
    // book against the closed port, which leaves the intent unbooked).
    sbtest::ServerProcess server(
        {sbtest::serverBinary(), "serve", "--config", file, "--listen", "127.0.0.1:0"});
    const auto port = server.waitUntilListening();
    ASSERT_TRUE(port) << server.output();
    ASSERT_EQ(sbtest::request(*port, "POST", "/intents", R"({"id":"i-7","slot":"09:00"})").status,
              202);
  }
  std::string out;
  EXPECT_EQ(run({"front-desk", "intents", "--config", file}, out), 0) << out;
  EXPECT_NE(out.find("i-7\t09:00\t-\t0\n"), std::string::npos) << out;
  EXPECT_EQ(run({"front-desk", "intents", "i-7", "--config", file}, out), 0) << out;
  EXPECT_EQ(run({"front-desk", "intents", "nope", "--config", file}, out), 1);
  EXPECT_NE(out.find("no intent nope"), std::string::npos) << out;
  EXPECT_EQ(run({"front-desk", "intents", "a", "b", "--config", file}, out), 2);
  EXPECT_NE(out.find("usage: switchboard front-desk intents [ID]"), std::string::npos) << out;
}

TEST(PluginCommands, UnknownCommandsSayWhatExistsAndHelpListsThem) {
  sbtest::TempDir dir;
  const auto file = dir.write("c.yaml", config(dir));
  std::string out;
  EXPECT_EQ(run({"front-desk", "refund", "--config", file}, out), 2);
  EXPECT_NE(out.find("no plugin 'front-desk' with a command 'refund'; there are:\n  front-desk "
                     "intents"),
            std::string::npos)
      << out;
  EXPECT_EQ(run({"--help", "--config", file}, out), 0);
  EXPECT_NE(out.find("Plugin commands (" + file +
                     "):\n  switchboard front-desk intents [ID]\n"
                     "      List recorded intents and their bookings"),
            std::string::npos)
      << out;
}

// A command answers from the catalog as the YAML says it: on a fresh database (nothing was ever
// served from it) and right after an edit, and the log names the files it read.
TEST(PluginCommands, ACommandSeesTheCatalogAsTheYamlSaysOnAFreshDatabaseAndAfterAnEdit) {
  sbtest::TempDir dir;
  const auto tenants = dir.path() / "tenants";
  std::filesystem::create_directories(tenants);
  for (const auto& f : std::filesystem::directory_iterator(sbtest::sourceDir() + "/config/tenants"))
    std::filesystem::copy_file(f.path(), tenants / f.path().filename());
  const auto file = dir.write(
      "c.yaml", "plugin_dirs: [\"" + sbtest::pluginDir() + "\"]\n" + "storage: { url: \"sqlite://" +
                    (dir.path() / "fresh.db").string() + "\" }\n" +
                    "plugins:\n"
                    "  directory: { library: directory, config: { tenants: \"" +
                    tenants.string() +
                    "\" } }\n"
                    "  calls: { library: calls }\n");
  auto env = sbtest::scriptsRunEnv();
  env.emplace_back("SWITCHBOARD_SECRETS_KEY", std::string(64, '7'));
  std::string out;
  ASSERT_EQ(sbtest::runCommand({sbtest::serverBinary(), "calls", "resolve-number", "+49 30 1234567",
                                "--config", file},
                               out, env),
            0)
      << out;
  EXPECT_NE(out.find(R"("company":"salon-mitte","branch":"mitte")"), std::string::npos) << out;
  EXPECT_NE(out.find("catalog from " + tenants.string()), std::string::npos) << out;

  // The admin moves the number to the other branch: the next command says so.
  const auto salon = tenants / "salon-mitte.yaml";
  auto text = sbtest::readFile(salon.string());
  const std::string mitte = R"(phone_numbers: ["+49 30 1234567", "030 7654321"])";
  const std::string pberg =
      R"(phone_numbers: [{ number: "+49 30 2345678", agent_id: "agent_salon_pberg" }])";
  ASSERT_NE(text.find(mitte), std::string::npos);
  ASSERT_NE(text.find(pberg), std::string::npos);
  text.replace(text.find(mitte), mitte.size(), R"(phone_numbers: ["030 7654321"])");
  text.replace(
      text.find(pberg), pberg.size(),
      R"(phone_numbers: ["+49 30 1234567", { number: "+49 30 2345678", agent_id: "agent_salon_pberg" }])");
  std::ofstream(salon) << text;
  ASSERT_EQ(sbtest::runCommand({sbtest::serverBinary(), "calls", "resolve-number", "+49 30 1234567",
                                "--config", file},
                               out, env),
            0)
      << out;
  EXPECT_NE(out.find(R"("company":"salon-mitte","branch":"prenzlauer-berg")"), std::string::npos)
      << out;
}

}  // namespace
