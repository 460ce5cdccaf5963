#include "switchboard/testing/plugin_harness.h"

#include <dlfcn.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "switchboard/crypto.h"

namespace switchboard::testing {
namespace fs = std::filesystem;

std::string findServerBinary() {
  if (const char* env = std::getenv("SWITCHBOARD_SERVER")) return env;
  // The SDK library's own location: <prefix>/lib[/<multiarch>]/libswitchboard_sdk.so, with the
  // server in <prefix>/bin (the build tree has the same shape: build/lib, build/bin).
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&switchboard::crypto::sha256Hex), &info) && info.dli_fname) {
    const fs::path lib = fs::absolute(info.dli_fname).parent_path();
    for (const auto& candidate :
         {lib / ".." / "bin" / "switchboard", lib / ".." / ".." / "bin" / "switchboard"})
      if (fs::exists(candidate)) return fs::canonical(candidate).string();
  }
  throw std::runtime_error(
      "cannot find the switchboard server: set SWITCHBOARD_SERVER or install it beside the SDK");
}

namespace {

YAML::Node buildConfig(const HarnessOptions& o, const fs::path& dir) {
  YAML::Node root;
  root["storage"]["url"] = "sqlite://" + (dir / "harness.db").string();
  // Tests wait for work the workers do: look often.
  root["inbox"]["poll_ms"] = 20;
  root["admin"]["token"] = o.admin_token;
  YAML::Node plugin;
  plugin["library"] = o.library;
  if (o.http_client.IsDefined() && !o.http_client.IsNull()) plugin["http_client"] = o.http_client;
  plugin["config"] = o.config;
  root["plugins"][o.instance] = plugin;
  for (const auto& r : o.routes) {
    YAML::Node route;
    route["method"] = r.method;
    route["path"] = r.path;
    route["plugin"] = o.instance;
    route["handler"] = r.handler;
    if (r.durable) route["durable"] = true;
    root["routes"].push_back(route);
  }
  for (const auto& e : o.events) {
    if (e.async) {
      YAML::Node sub;
      sub["handler"] = o.instance + "." + e.handler;
      sub["async"] = true;
      root["events"][e.topic].push_back(sub);
    } else {
      root["events"][e.topic].push_back(o.instance + "." + e.handler);
    }
  }
  return root;
}

}  // namespace

PluginHarness::PluginHarness(HarnessOptions options) : options_(std::move(options)) {
  server_ = options_.server_binary.empty() ? findServerBinary() : options_.server_binary;
  YAML::Emitter out;
  out << buildConfig(options_, dir_.path());
  config_path_ = dir_.write("switchboard.yaml", std::string(out.c_str()) + "\n");
}

PluginHarness::~PluginHarness() {
  if (process_) kill();
}

std::uint16_t PluginHarness::start() {
  if (process_) throw std::logic_error("PluginHarness::start() twice without stop()");
  process_ = std::make_unique<ServerProcess>(
      std::vector<std::string>{server_, "serve", "--config", config_path_, "--listen",
                               "127.0.0.1:0"},
      options_.env);
  const auto port = process_->waitUntilListening();
  if (!port) {
    const auto text = process_->output();
    process_.reset();
    throw std::runtime_error("the server did not start:\n" + text);
  }
  port_ = *port;
  return port_;
}

int PluginHarness::stop() {
  if (!process_) return 0;
  process_->signal(SIGTERM);
  const auto status = process_->waitForExit();
  process_.reset();
  return status.value_or(-1);
}

void PluginHarness::kill() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->waitForExit();
  process_.reset();
}

std::string PluginHarness::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string PluginHarness::output() const {
  return process_ ? process_->output() : "";
}

int PluginHarness::command(const std::vector<std::string>& args, std::string& output) const {
  std::vector<std::string> argv = {server_, options_.instance};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--config", config_path_});
  return runCommand(argv, output, options_.env);
}

}  // namespace switchboard::testing
