#include "observability/health.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <ctime>

#include "switchboard/abi.h"

namespace switchboard::kernel::observability {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, const std::string& s) {
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

// What the open report shows of a path: the file's name, not where it lives.
std::string baseName(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string isoTime(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

switchboard::HttpResponse healthReport(bool draining) {
  return switchboard::HttpResponse::json(
      200, draining ? R"({"status":"draining"})" : R"({"status":"ok"})");
}

switchboard::HttpResponse detailedHealthReport(const plugins::PluginHost& host,
                                               const GenerationInfo& generation,
                                               std::chrono::steady_clock::time_point started,
                                               bool draining,
                                               const std::vector<HealthCheck>& checks, bool full) {
  rapidjson::StringBuffer out;
  Writer w(out);
  bool degraded = false;
  for (const auto& p : host.instances())
    degraded = degraded || p->state == plugins::PluginState::Failed;
  for (const auto& c : checks) degraded = degraded || !c.status.ok;
  w.StartObject();
  w.Key("status");
  w.String(draining ? "draining" : degraded ? "degraded" : "ok");
  w.Key("version");
  w.String(SWITCHBOARD_VERSION);
  w.Key("sdk_abi");
  w.Uint(switchboard::kSdkAbiVersion);
  w.Key("uptime_seconds");
  w.Double(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  w.Key("config");
  w.StartObject();
  w.Key("file");
  str(w, full ? generation.file : baseName(generation.file));
  w.Key("generation");
  w.Int(generation.number);
  w.Key("loaded_at");
  str(w, isoTime(generation.loaded_at));
  w.EndObject();
  w.Key("checks");
  w.StartObject();
  for (const auto& c : checks) {
    str(w, c.name);
    w.StartObject();
    w.Key("ok");
    w.Bool(c.status.ok);
    for (const auto& [key, value] : c.status.figures) {
      str(w, key);
      w.Double(value);
    }
    for (const auto& [key, value] : c.status.facts) {
      str(w, key);
      str(w, value);
    }
    if (full && !c.status.error.empty()) {
      w.Key("error");
      str(w, c.status.error);
    }
    w.EndObject();
  }
  w.EndObject();
  w.Key("plugins");
  w.StartArray();
  for (const auto& p : host.instances()) {
    w.StartObject();
    w.Key("name");
    str(w, p->config.instance);
    w.Key("library");
    str(w, full ? p->config.library_path : baseName(p->config.library_path));
    w.Key("plugin");
    str(w, p->info.name);
    w.Key("version");
    str(w, p->info.version);
    w.Key("state");
    w.String(plugins::toString(p->state));
    w.Key("optional");
    w.Bool(p->config.optional);
    w.Key("load_ms");
    w.Double(p->load_time.count() / 1000.0);
    if (full && !p->error.empty()) {
      w.Key("error");
      str(w, p->error);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return switchboard::HttpResponse::json(200, out.GetString());
}

switchboard::HttpResponse metricsReport(const Metrics& metrics, const plugins::PluginHost& host,
                                        const GenerationInfo& generation,
                                        const std::string& extra) {
  double running = 0, failed = 0;
  for (const auto& p : host.instances()) {
    running += p->state == plugins::PluginState::Running;
    failed += p->state == plugins::PluginState::Failed;
  }
  auto response = switchboard::HttpResponse::text(
      200, metrics.render(
               {
                   {"switchboard_plugins_running", "Plugins configured and started.", running},
                   {"switchboard_plugins_failed", "Optional plugins that failed to load or start.",
                    failed},
                   {"switchboard_config_generation", "Config generations applied since start.",
                    static_cast<double>(generation.number)},
               },
               extra));
  response.headers.front().value = "text/plain; version=0.0.4; charset=utf-8";
  return response;
}

}  // namespace switchboard::kernel::observability
