// Loading the main YAML file: the shipped default, and each class of error with its position.
#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "support/demo_env.h"
#include "support/kernel_harness.h"
#include "support/paths.h"
#include "support/secrets_key.h"
#include "support/temp_dir.h"
#include "switchboard/json.h"

namespace {

using sbtest::TempDir;
using switchboard::kernel::config::ConfigInvalid;

switchboard::kernel::config::LoadOptions options(
    switchboard::kernel::config::EnvLookup env = nullptr) {
  switchboard::kernel::config::LoadOptions o;
  o.default_plugin_dirs = {sbtest::testPluginDir(), sbtest::pluginDir()};
  o.env = env ? env : [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  return o;
}

// The problems loading `yaml` reports, as `file:line:col: message` lines with the temp path
// replaced by "config.yaml".
std::string problems(const std::string& yaml,
                     switchboard::kernel::config::EnvLookup env = nullptr) {
  TempDir dir;
  const std::string path = dir.write("config.yaml", yaml);
  try {
    switchboard::kernel::config::loadConfig(path, options(env));
  } catch (const ConfigInvalid& e) {
    std::string text = e.what();
    for (auto pos = text.find(path); pos != std::string::npos; pos = text.find(path))
      text.replace(pos, path.size(), "config.yaml");
    return text;
  }
  return "";
}

// The kernel's full check (plugins configured, handlers resolved), as check-config runs it.
std::string prepareProblems(const std::string& yaml) {
  sbtest::KernelHarness h(yaml);
  try {
    h.kernel().prepare();
  } catch (const std::exception& e) {
    std::string text = e.what();
    const auto& path = h.configPath();
    for (auto pos = text.find(path); pos != std::string::npos; pos = text.find(path))
      text.replace(pos, path.size(), "config.yaml");
    return text;
  }
  return "";
}

// What scripts/run provides for the shipped config's references (support/demo_env.h).
std::optional<std::string> scriptsRunEnv(const std::string& name) {
  for (const auto& [k, v] : sbtest::scriptsRunEnv())
    if (k == name) return v;
  return std::nullopt;
}

TEST(Config, ShippedDefaultLoads) {
  const auto config = switchboard::kernel::config::loadConfig(
      sbtest::sourceDir() + "/config/switchboard.yaml", options(scriptsRunEnv));
  EXPECT_EQ(config.server.host, "127.0.0.1");
  EXPECT_EQ(config.server.port, 8080);
  EXPECT_EQ(config.server.threads, 2);
  EXPECT_EQ(config.server.max_body_bytes, 1048576u);
  std::vector<std::string> libraries;
  for (const auto& p : config.plugins) libraries.push_back(p.library_path);
  EXPECT_EQ(libraries,
            (std::vector<std::string>{
                sbtest::pluginDir() + "/directory.so", sbtest::pluginDir() + "/retell.so",
                sbtest::pluginDir() + "/calls.so", sbtest::pluginDir() + "/calcom.so",
                sbtest::pluginDir() + "/booking.so", sbtest::pluginDir() + "/twilio.so",
                sbtest::pluginDir() + "/telegram.so", sbtest::pluginDir() + "/notifications.so",
                sbtest::pluginDir() + "/hello.so"}));
  // Every route the issues name, with its contract (durable, admin-only).
  std::vector<std::string> routes;
  for (const auto& r : config.routes)
    routes.push_back(r.method + " " + r.path + " " + r.plugin + "." + r.handler +
                     (r.durable ? " durable" : "") + (r.admin ? " admin" : ""));
  EXPECT_EQ(routes, (std::vector<std::string>{
                        "GET /hello hello.greet", "POST /webhooks/retell retell.webhook durable",
                        "POST /webhooks/retell/inbound retell.inbound",
                        "POST /retell/functions/{name} retell.function",
                        "GET /api/webhooks/retell/diagnostic retell.diagnostic admin",
                        "POST /webhooks/calcom calcom.webhook durable",
                        "POST /webhooks/twilio/status twilio.status durable",
                        "POST /webhooks/twilio/inbound twilio.inbound durable",
                        "POST /webhooks/telegram telegram.webhook"}));
  std::vector<std::string> subscriptions;
  for (const auto& s : config.subscriptions)
    subscriptions.push_back(s.topic + " " + s.plugin + "." + s.handler + (s.async ? " async" : "") +
                            (s.in_transaction ? " in_transaction" : ""));
  EXPECT_EQ(subscriptions, (std::vector<std::string>{
                               "hello.greeted hello.count",
                               "retell.call_started calls.on_call_report in_transaction",
                               "retell.call_ended calls.on_call_report in_transaction",
                               "retell.call_analyzed calls.on_call_report in_transaction",
                               "retell.transcript_updated calls.on_call_report in_transaction",
                               "calls.booking_requested booking.on_booking_requested async",
                               "calcom.booking_created booking.on_calendar_change async",
                               "calcom.booking_rescheduled booking.on_calendar_change async",
                               "calcom.booking_cancelled booking.on_calendar_change async",
                               "calcom.booking_rejected booking.on_calendar_change async",
                               "calcom.booking_ended booking.on_calendar_change async",
                               "calcom.booking_no_show booking.on_calendar_change async",
                               "booking.appointment_booked notifications.on_appointment async",
                               "booking.alternative_booked notifications.on_appointment async",
                               "booking.alternatives_offered notifications.on_appointment async",
                               "booking.appointment_cancelled notifications.on_appointment async",
                               "booking.appointment_rescheduled notifications.on_appointment async",
                               "booking.failed notifications.on_alert async",
                               "calls.unknown_number notifications.on_alert async",
                               "calls.needs_review notifications.on_alert async",
                               "inbox.item_dead notifications.on_alert async",
                               "upstream.circuit_opened notifications.on_alert async",
                               "upstream.circuit_closed notifications.on_alert async",
                               "twilio.message_status notifications.on_sms_status async",
                               "twilio.message_received notifications.on_sms_received async"}));
  EXPECT_EQ(config.storage.url, "sqlite://" + sbtest::sourceDir() + "/var/switchboard.db");
}

TEST(Config, RelativeSqlitePathsAreRelativeToTheConfigFile) {
  TempDir dir;
  const auto load = [&](const std::string& url) {
    return switchboard::kernel::config::loadConfig(
               dir.write("sub/c.yaml", "storage: { url: \"" + url + "\" }\n"), options())
        .storage.url;
  };
  EXPECT_EQ(load("sqlite://db/x.db"), "sqlite://" + (dir.path() / "sub/db/x.db").string());
  EXPECT_EQ(load("sqlite://../x.db"), "sqlite://" + (dir.path() / "x.db").string());
  EXPECT_EQ(load("sqlite:///abs/x.db"), "sqlite:///abs/x.db");
  EXPECT_EQ(load("sqlite://:memory:"), "sqlite://:memory:");
  EXPECT_EQ(load("postgresql://u@h:5432/d"), "postgresql://u@h:5432/d");
}

TEST(Config, ShippedDefaultPassesTheFullCheck) {
  switchboard::kernel::runtime::KernelOptions o;
  o.config_path = sbtest::sourceDir() + "/config/switchboard.yaml";
  // The example catalog's references, as scripts/run provides them.
  o.load = options(scriptsRunEnv);
  setenv("SWITCHBOARD_SECRETS_KEY", sbtest::kSecretsKey, 1);
  switchboard::kernel::runtime::Kernel kernel(std::move(o));
  EXPECT_NO_THROW(kernel.prepare(false));  // as check-config: the repo's var/ stays untouched
}

TEST(Config, YamlSyntaxErrorHasLineAndColumn) {
  EXPECT_EQ(problems("server:\n  listen: [1, 2\nplugins: {}\n"),
            "config.yaml:3:8: end of sequence flow not found");
}

TEST(Config, UnknownKeysAreNamedWhereTheyAre) {
  EXPECT_EQ(
      problems("server:\n  listen: \"127.0.0.1:1\"\n  treads: 4\nlogs: {}\n"),
      "config.yaml:3:3: unknown key 'treads' in server (expected one of: listen, threads, "
      "max_body_bytes, max_header_bytes, max_request_line_bytes, max_headers, max_connections, "
      "idle_timeout_ms, header_timeout_ms, body_min_rate_bytes_per_s, body_rate_window_ms, "
      "drain_timeout_ms, upstream_threads, json_max_depth)\n"
      "config.yaml:4:1: unknown key 'logs' in the top level (expected one of: server, "
      "logging, storage, inbox, admin, plugin_dirs, plugins, routes, events)")
      << "problems come in file order";
}

TEST(Config, TheJsonDepthBoundIsTheServersAndAppliesToEveryParse) {
  EXPECT_EQ(problems("server:\n  json_max_depth: 1\n"),
            "config.yaml:2:19: server.json_max_depth must be between 2 and 512");
  sbtest::TempDir dir;
  switchboard::kernel::runtime::KernelOptions o;
  o.config_path = dir.write("c.yaml", "server: { json_max_depth: 3 }\n");
  switchboard::kernel::runtime::Kernel kernel(std::move(o));
  kernel.prepare(false);
  EXPECT_THROW(switchboard::json::parse("[[[[]]]]"), switchboard::json::ParseError);
  EXPECT_NO_THROW(switchboard::json::parse("[[[]]]"));
  switchboard::json::setDefaultLimits({});  // back to the SDK's default for the other tests
}

TEST(Config, WrongTypesAndRangesAreReported) {
  EXPECT_EQ(problems("server:\n  threads: two\n  max_body_bytes: 0\n  listen: nowhere\n"
                     "logging: { level: loud }\n"),
            "config.yaml:2:12: server.threads must be an integer\n"
            "config.yaml:3:19: server.max_body_bytes must be between 1 and 1073741824\n"
            "config.yaml:4:11: server.listen must be HOST:PORT with a port from 0 to 65535\n"
            "config.yaml:5:19: logging.level must be one of: trace, debug, info, warn, error, "
            "critical, off");
}

TEST(Config, MissingPluginLibraryIsReportedAtItsName) {
  const auto text = problems("plugins:\n  ghost:\n    library: no_such_plugin\n");
  EXPECT_EQ(
      text.rfind("config.yaml:3:14: plugin library 'no_such_plugin' not found (looked for ", 0), 0u)
      << text;
  EXPECT_NE(text.find(sbtest::pluginDir() + "/no_such_plugin.so"), std::string::npos);
}

TEST(Config, RouteProblemsAreReported) {
  EXPECT_EQ(
      problems("plugins:\n  probe: { library: probe }\nroutes:\n"
               "  - { method: POST, path: /a, plugin: nobody, handler: x }\n"
               "  - { method: FETCH, path: /b, plugin: probe, handler: x }\n"
               "  - { method: GET, path: nope, plugin: probe, handler: x }\n"
               "  - { method: GET, path: /api/health, plugin: probe, handler: x }\n"
               "  - { method: GET, path: /c, plugin: probe, handler: x }\n"
               "  - { method: GET, path: /c, plugin: probe, handler: y }\n"),
      "config.yaml:4:39: route names plugin 'nobody', which is not under plugins:\n"
      "config.yaml:5:15: route.method must be one of: GET, POST, PUT, PATCH, DELETE, HEAD, "
      "OPTIONS\n"
      "config.yaml:6:26: route.path 'nope' must start with / and consist of literal or {name} "
      "segments\n"
      "config.yaml:7:26: route.path '/api/health' is served by the kernel\n"
      "config.yaml:9:5: duplicate route GET /c");
}

TEST(Config, EventSubscriptionProblemsAreReported) {
  EXPECT_EQ(problems("plugins:\n  probe: { library: probe }\nevents:\n"
                     "  Bad Topic: [probe.record]\n"
                     "  probe.poked: [probe, nobody.record]\n"),
            "config.yaml:4:3: event topic 'Bad Topic' must be dot-separated a-z, 0-9, _ and -\n"
            "config.yaml:5:17: events.probe.poked: 'probe' must be plugin.handler\n"
            "config.yaml:5:24: events.probe.poked: plugin 'nobody' is not under plugins:");
}

TEST(Config, RoutesToHandlersThatDoNotExistAreReportedAfterConfigure) {
  EXPECT_EQ(
      prepareProblems("plugins:\n  probe: { library: probe }\nroutes:\n"
                      "  - { method: GET, path: /e, plugin: probe, handler: echo }\n"
                      "  - { method: GET, path: /x, plugin: probe, handler: missing }\n"),
      "config.yaml:6:5: route GET /x: plugin 'probe' has no HTTP handler 'missing' (it "
      "registered: boom, echo, events, fetch, gate, gate_waiting, open, publish, slow, time)");
}

TEST(Config, SubscriptionsToHandlersThatDoNotExistAreReportedAfterConfigure) {
  EXPECT_EQ(prepareProblems("plugins:\n  probe: { library: probe }\nevents:\n"
                            "  probe.poked: [probe.record, probe.nothing]\n"),
            "config.yaml:5:31: events.probe.poked: plugin 'probe' has no event handler "
            "'nothing' (it registered: explode, record)");
}

TEST(Config, PluginConfigErrorsPointIntoThePluginSection) {
  const auto text = prepareProblems(
      "plugins:\n  probe:\n    library: probe\n    config:\n"
      "      greting: typo\n");
  EXPECT_EQ(text.rfind("config.yaml:6:7: plugin 'probe' (", 0), 0u) << text;
  EXPECT_NE(text.find("configure failed: probe does not know the key 'greting'"),
            std::string::npos);
}

TEST(Config, EnvironmentReferencesAreExpandedAndTheSecretOnesRemembered) {
  TempDir dir;
  const auto path = dir.write("config.yaml",
                              "server: { listen: \"127.0.0.1:${SB_PORT}\" }\n"
                              "plugins:\n  probe:\n    library: probe\n"
                              "    config: { secret: \"${SB_SECRET}\" }\n");
  const auto config = switchboard::kernel::config::loadConfig(
      path, options([](const std::string& n) -> std::optional<std::string> {
        if (n == "SB_PORT") return std::string("9123");
        if (n == "SB_SECRET") return std::string("tok_very_secret");
        return std::nullopt;
      }));
  EXPECT_EQ(config.server.port, 9123);
  EXPECT_EQ(config.plugins[0].config["secret"].as<std::string>(), "tok_very_secret");
  // The port is no secret: the log says where the server listens.
  EXPECT_EQ(config.secrets, (std::vector<std::string>{"tok_very_secret"}));
}

TEST(Config, MissingEnvironmentVariableIsAnErrorNamingIt) {
  EXPECT_EQ(problems("plugins:\n  probe:\n    library: probe\n"
                     "    config: { secret: \"${SB_UNSET_SECRET}\" }\n"),
            "config.yaml:4:23: environment variable SB_UNSET_SECRET is not set");
}

}  // namespace

namespace {

// A plugin that reads its config with the SDK's YamlReader reports like the kernel does.
TEST(PluginConfig, ProblemsInAPluginsSectionComeWithTheirPositionAllAtOnce) {
  const auto text = prepareProblems(
      "storage: { url: \"sqlite://:memory:\" }\n"
      "plugins:\n"
      "  booker:\n"
      "    library: booker\n"
      "    config:\n"
      "      lookup: maybe\n"
      "      colour: blue\n");
  EXPECT_NE(text.find("config.yaml:7:7: config.base_url is required"), std::string::npos) << text;
  EXPECT_NE(text.find("config.yaml:7:15:"), std::string::npos) << text;
  EXPECT_NE(text.find("config.yaml:8:7:"), std::string::npos) << text;
  EXPECT_NE(text.find("colour"), std::string::npos) << text;
}

}  // namespace
