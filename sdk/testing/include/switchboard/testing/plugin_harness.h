// Runs one plugin in a test with the real server: the installed `switchboard` binary, a real
// SQLite database in a temporary directory, and a config the harness writes from what the
// test says (no YAML file by hand).
//
//   PluginHarness h({.library = PLUGIN_PATH, .instance = "acme",
//                    .config = YAML::Load("{ base_url: " + api.url() + ", secret: s3cret }"),
//                    .routes = {{"POST", "/webhooks/acme", "webhook", true}}});
//   h.start();
//   auto r = postWebhook(h.url("/webhooks/acme"), body, {{"X-Acme-Signature", sig}});
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "switchboard/testing/server_process.h"
#include "switchboard/testing/temp_dir.h"

namespace switchboard::testing {

struct HarnessRoute {
  std::string method;
  std::string path;
  std::string handler;   // the plugin's handler name
  bool durable = false;  // stored in the inbox before the 2xx
};

struct HarnessSubscription {
  std::string topic;
  std::string handler;  // the plugin's event handler name
  bool async = false;
};

struct HarnessOptions {
  std::string library;                           // the plugin's .so (a path)
  std::string instance = "plugin";               // its name under `plugins:`
  YAML::Node config{YAML::NodeType::Map};        // its `config:` section
  YAML::Node http_client{YAML::NodeType::Null};  // its `http_client:` section, when set
  std::vector<HarnessRoute> routes;
  std::vector<HarnessSubscription> events;
  std::vector<std::pair<std::string, std::string>> env;  // for ${ENV} references
  // The server; empty: $SWITCHBOARD_SERVER, else the `switchboard` installed beside this SDK.
  std::string server_binary;
  std::string admin_token = "harness-admin-token";  // for /api/admin/*
};

class PluginHarness {
 public:
  explicit PluginHarness(HarnessOptions options);
  ~PluginHarness();  // stops the server

  // Starts the server; throws std::runtime_error with its output when it does not listen.
  std::uint16_t start();
  // SIGTERM and wait: in-flight requests drain, plugins stop. Returns the exit status.
  int stop();
  // SIGKILL, as a crash would.
  void kill();

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path) const;
  std::string output() const;
  const std::string& configPath() const { return config_path_; }
  const TempDir& dir() const { return dir_; }
  // Runs `switchboard <instance> <args...> --config <this config>`; returns its exit status.
  int command(const std::vector<std::string>& args, std::string& output) const;

 private:
  HarnessOptions options_;
  TempDir dir_;
  std::string config_path_;
  std::string server_;
  std::unique_ptr<ServerProcess> process_;
  std::uint16_t port_ = 0;
};

// Where the server binary is: see HarnessOptions::server_binary.
std::string findServerBinary();

}  // namespace switchboard::testing
