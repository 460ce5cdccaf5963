#include "plugin_host/plugin_host.h"

#include "plugin_host/dependency_order.h"
#include "switchboard/errors.h"

namespace switchboard::kernel::plugins {

const char* toString(PluginState state) {
  switch (state) {
    case PluginState::Loaded:
      return "loaded";
    case PluginState::Configured:
      return "configured";
    case PluginState::Running:
      return "running";
    case PluginState::Stopped:
      return "stopped";
    case PluginState::Failed:
      return "failed";
  }
  return "unknown";
}

PluginHost::PluginHost(Facilities facilities, LoggerFactory loggers)
    : facilities_(facilities), loggers_(std::move(loggers)), log_(loggers_("kernel")) {}

PluginHost::~PluginHost() {
  stop();
  destroy();
}

void PluginHost::fail(PluginInstance& p, const std::string& step, const std::string& message,
                      int line, int column) {
  const config::Position at =
      line > 0 ? config::Position{p.config.at.file, line, column} : p.config.at;
  const std::string text =
      config::Diagnostic{at, "plugin '" + p.config.instance + "' (" + p.config.library_path +
                                 "): " + step + " failed: " + message}
          .str();
  p.state = PluginState::Failed;
  p.error = text;
  if (!p.config.optional) throw PluginFailure(text);
  log_->error("{} (optional plugin: going on without it)", text);
}

template <class Step>
void PluginHost::runStep(PluginInstance& p, const char* name, Step&& step) {
  const auto begin = std::chrono::steady_clock::now();
  try {
    step();
  } catch (const switchboard::ConfigError& e) {
    fail(p, name, e.what(), e.line(), e.column());
  } catch (const config::ConfigInvalid& e) {
    fail(p, name, std::string("\n") + e.what());  // problems in files the plugin reads
  } catch (const std::exception& e) {
    fail(p, name, e.what());
  } catch (...) {
    fail(p, name, "a non-standard exception");
  }
  p.load_time += std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - begin);
}

void PluginHost::load(const std::vector<config::PluginConfig>& plugins) {
  std::vector<std::unique_ptr<PluginInstance>> loaded;
  for (const auto& cfg : plugins) {
    auto p = std::make_unique<PluginInstance>();
    p->config = cfg;
    runStep(*p, "load", [&] {
      p->library = openPluginLibrary(cfg.library_path);
      p->plugin = p->library.factory();
      if (!p->plugin) throw std::runtime_error("the factory returned no plugin");
      p->info = p->plugin->info();
    });
    if (p->state != PluginState::Failed)
      loaded.push_back(std::move(p));
    else
      instances_.push_back(std::move(p));  // kept for health reports, never started
  }

  // An optional plugin with an unmet need is left out and the order computed again.
  std::vector<std::size_t> order;
  for (;;) {
    std::vector<DependencyNode> nodes;
    for (const auto& p : loaded)
      nodes.push_back({p->config.instance, p->info.provides, p->info.needs});
    try {
      order = startOrder(nodes);
      break;
    } catch (const DependencyError& e) {
      for (std::size_t i = 0; i < loaded.size(); ++i) {
        if (loaded[i]->config.instance != e.plugin()) continue;
        fail(*loaded[i], "dependency check", e.what());  // throws for a required plugin
        instances_.push_back(std::move(loaded[i]));
        loaded.erase(loaded.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
  }
  for (std::size_t i : order) instances_.push_back(std::move(loaded[i]));
}

void PluginHost::configure() {
  for (auto& p : instances_) {
    if (p->state != PluginState::Loaded) continue;
    p->context = std::make_unique<PluginContext>(p->config.instance, p->config.config,
                                                 p->config.at.file, p->config.outbound,
                                                 loggers_(p->config.instance), facilities_);
    runStep(*p, "configure", [&] { p->plugin->configure(*p->context); });
    if (p->state == PluginState::Loaded) p->state = PluginState::Configured;
  }
}

void PluginHost::start(bool announce) {
  for (auto& p : instances_) {
    if (p->state != PluginState::Configured) continue;
    runStep(*p, "start", [&] { p->plugin->start(); });
    if (p->state == PluginState::Configured) {
      p->state = PluginState::Running;
      log_->log(announce ? spdlog::level::info : spdlog::level::debug, "plugin {} ({} {}) running",
                p->config.instance, p->info.name, p->info.version);
    }
  }
}

void PluginHost::reload() {
  for (auto& p : instances_) {
    if (p->state != PluginState::Running) continue;
    try {
      p->plugin->reload();
    } catch (const switchboard::ConfigError& e) {
      throw std::runtime_error(config::Diagnostic{
          e.line() > 0 ? config::Position{p->config.at.file, e.line(), e.column()} : p->config.at,
          "plugin '" + p->config.instance + "': reload failed: " + e.what()}
                                   .str());
    } catch (const std::exception& e) {
      throw std::runtime_error("plugin '" + p->config.instance + "': reload failed:\n" + e.what());
    }
  }
}

void PluginHost::stop() {
  for (auto it = instances_.rbegin(); it != instances_.rend(); ++it) {
    auto& p = **it;
    if (p.state != PluginState::Running) continue;
    try {
      p.plugin->stop();
    } catch (const std::exception& e) {
      log_->error("plugin {}: stop failed: {}", p.config.instance, e.what());
    } catch (...) {
      log_->error("plugin {}: stop failed with a non-standard exception", p.config.instance);
    }
    p.state = PluginState::Stopped;
  }
}

void PluginHost::destroy() {
  for (auto it = instances_.rbegin(); it != instances_.rend(); ++it) {
    (*it)->plugin.reset();
    (*it)->context.reset();
  }
}

bool PluginHost::available(const std::string& instance) const {
  for (const auto& p : instances_)
    if (p->config.instance == instance)
      return p->state == PluginState::Configured || p->state == PluginState::Running;
  return false;
}

}  // namespace switchboard::kernel::plugins
