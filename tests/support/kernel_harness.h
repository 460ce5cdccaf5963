// The real kernel in the test process, serving real HTTP on an ephemeral loopback port, with
// its log captured.
#pragma once

#include <memory>
#include <string>

#include "runtime/kernel.h"
#include "support/capturing_sink.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace sbtest {

// `plugin_dirs:` naming the test plugins and the built plugins, to put on top of a config.
inline std::string pluginDirsLine() {
  return "plugin_dirs: [\"" + testPluginDir() + "\", \"" + pluginDir() + "\"]\n";
}

class KernelHarness {
 public:
  // Writes `yaml` (after pluginDirsLine()) to a temporary config.yaml.
  explicit KernelHarness(const std::string& yaml, switchboard::kernel::config::EnvLookup env = {},
                         const switchboard::Clock* clock = nullptr)
      : sink_(std::make_shared<CapturingSink>()) {
    config_path_ = dir_.write("config.yaml", pluginDirsLine() + yaml);
    switchboard::kernel::runtime::KernelOptions options;
    options.config_path = config_path_;
    options.listen = "127.0.0.1:0";
    if (env) options.load.env = std::move(env);
    options.log_sink = sink_;
    options.clock = clock;  // the system clock when null
    kernel_ = std::make_unique<switchboard::kernel::runtime::Kernel>(std::move(options));
  }

  void start() { kernel_->start(); }
  std::uint16_t port() const { return kernel_->port(); }
  switchboard::kernel::runtime::Kernel& kernel() { return *kernel_; }
  // Replaces the config file (for reload tests).
  void rewrite(const std::string& yaml) { dir_.write("config.yaml", pluginDirsLine() + yaml); }
  std::string logs() { return sink_->text(); }
  bool waitForLog(const std::string& text) { return sink_->waitFor(text); }
  const std::string& configPath() const { return config_path_; }

 private:
  TempDir dir_;
  std::string config_path_;
  std::shared_ptr<CapturingSink> sink_;
  std::unique_ptr<switchboard::kernel::runtime::Kernel> kernel_;
};

}  // namespace sbtest
