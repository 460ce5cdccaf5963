#include "config/config_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "switchboard/config/yaml_reader.h"

namespace switchboard::kernel::config {
namespace fs = std::filesystem;
namespace {

const std::regex kInstanceName{"[a-z][a-z0-9_-]*"};
const std::regex kTopic{"[a-z0-9_-]+(\\.[a-z0-9_-]+)*"};
const std::regex kHandlerRef{"([a-z][a-z0-9_-]*)\\.([A-Za-z0-9_-]+)"};
const std::regex kPathSegment{"[A-Za-z0-9._~!$&'()*+,;=:@%-]+|\\{[A-Za-z_][A-Za-z0-9_]*\\}"};

std::string resolveAgainst(const fs::path& base, const std::string& p) {
  fs::path path(p);
  return (path.is_absolute() ? path : base / path).lexically_normal().string();
}

bool validRoutePath(const std::string& path) {
  if (path.empty() || path[0] != '/') return false;
  if (path == "/") return true;
  std::stringstream in(path.substr(1));
  std::string segment;
  std::set<std::string> names;
  while (std::getline(in, segment, '/')) {
    if (!std::regex_match(segment, kPathSegment)) return false;
    if (segment[0] == '{' && !names.insert(segment).second) return false;
  }
  return path.back() != '/';
}

void readServer(YamlReader& r, const YAML::Node& node, ServerConfig& out) {
  if (!node.IsDefined()) return;
  if (!r.map(node, "server",
             {"listen", "threads", "max_body_bytes", "max_header_bytes", "max_request_line_bytes",
              "max_headers", "max_connections", "idle_timeout_ms", "header_timeout_ms",
              "body_min_rate_bytes_per_s", "body_rate_window_ms", "drain_timeout_ms",
              "upstream_threads", "json_max_depth"}))
    return;
  if (auto listen = r.string(node, "listen", "server")) {
    const auto colon = listen->rfind(':');
    std::int64_t port = -1;
    if (colon != std::string::npos && colon > 0) {
      try {
        std::size_t used = 0;
        port = std::stoll(listen->substr(colon + 1), &used);
        if (used != listen->size() - colon - 1) port = -1;
      } catch (const std::exception&) {
        port = -1;
      }
    }
    if (port < 0 || port > 65535)
      r.error(node["listen"], "server.listen must be HOST:PORT with a port from 0 to 65535");
    else {
      out.host = listen->substr(0, colon);
      out.port = static_cast<std::uint16_t>(port);
    }
  }
  if (auto v = r.integer(node, "threads", "server", 1, 256)) out.threads = static_cast<int>(*v);
  if (auto v = r.integer(node, "max_body_bytes", "server", 1, std::int64_t{1} << 30))
    out.max_body_bytes = static_cast<std::size_t>(*v);
  if (auto v = r.integer(node, "max_header_bytes", "server", 1024, 1 << 20))
    out.max_header_bytes = static_cast<std::size_t>(*v);
  if (auto v = r.integer(node, "max_request_line_bytes", "server", 256, 1 << 20))
    out.max_request_line_bytes = static_cast<std::size_t>(*v);
  if (auto v = r.integer(node, "max_headers", "server", 1, 10000))
    out.max_headers = static_cast<std::size_t>(*v);
  if (auto v = r.integer(node, "max_connections", "server", 1, 1000000))
    out.max_connections = static_cast<std::size_t>(*v);
  if (auto v = r.integer(node, "idle_timeout_ms", "server", 10, 3600000))
    out.idle_timeout = std::chrono::milliseconds(*v);
  if (auto v = r.integer(node, "header_timeout_ms", "server", 10, 3600000))
    out.header_timeout = std::chrono::milliseconds(*v);
  if (auto v = r.integer(node, "body_min_rate_bytes_per_s", "server", 0, 1 << 30))
    out.body_min_rate = static_cast<std::size_t>(*v);
  if (auto v = r.integer(node, "body_rate_window_ms", "server", 10, 3600000))
    out.body_rate_window = std::chrono::milliseconds(*v);
  if (auto v = r.integer(node, "drain_timeout_ms", "server", 0, 600000))
    out.drain_timeout = std::chrono::milliseconds(*v);
  if (auto v = r.integer(node, "upstream_threads", "server", 1, 1024))
    out.upstream_threads = static_cast<std::size_t>(*v);
  if (auto v = r.integer(node, "json_max_depth", "server", 2, 512))
    out.json_max_depth = static_cast<std::size_t>(*v);
}

void readLogging(YamlReader& r, const YAML::Node& node, LoggingConfig& out) {
  if (!node.IsDefined()) return;
  if (!r.map(node, "logging", {"level", "format"})) return;
  if (auto v = r.oneOf(node, "level", "logging",
                       {"trace", "debug", "info", "warn", "error", "critical", "off"}))
    out.level = *v;
  if (auto v = r.oneOf(node, "format", "logging", {"text", "json"})) out.format = *v;
}

std::string findLibrary(const std::string& library, const fs::path& base,
                        const std::vector<std::string>& dirs, std::string& tried) {
  if (library.find('/') != std::string::npos) {
    const std::string path = resolveAgainst(base, library);
    tried = path;
    return fs::is_regular_file(path) ? path : "";
  }
  for (const auto& dir : dirs) {
    const std::string path = (fs::path(dir) / (library + ".so")).string();
    tried += (tried.empty() ? "" : ", ") + path;
    if (fs::is_regular_file(path)) return path;
  }
  return "";
}

// A relative sqlite:// path is relative to the config file, like plugin_dirs.
void readStorage(YamlReader& r, const YAML::Node& node, const fs::path& base, StorageConfig& out) {
  if (!node.IsDefined()) return;
  if (!r.map(node, "storage", {"url", "pool_size"})) return;
  if (auto url = r.string(node, "url", "storage", true)) {
    if (url->rfind("sqlite://", 0) != 0 && url->rfind("postgresql://", 0) != 0 &&
        url->rfind("postgres://", 0) != 0)
      r.error(node["url"], "storage.url must start with sqlite:// or postgresql://");
    else if (url->rfind("sqlite://", 0) == 0 && url->size() > 9 && (*url)[9] != '/' &&
             *url != "sqlite://:memory:")
      out.url = "sqlite://" + resolveAgainst(base, url->substr(9));
    else
      out.url = *url;
  }
  if (auto v = r.integer(node, "pool_size", "storage", 1, 256))
    out.pool_size = static_cast<std::size_t>(*v);
}

void readInbox(YamlReader& r, const YAML::Node& node, InboxConfig& out) {
  if (!node.IsDefined()) return;
  if (!r.map(node, "inbox",
             {"workers", "upstream_workers", "batch", "poll_ms", "lease_ms", "retry",
              "retention_hours"}))
    return;
  if (auto v = r.integer(node, "workers", "inbox", 0, 64)) out.workers = static_cast<int>(*v);
  if (auto v = r.integer(node, "upstream_workers", "inbox", 1, 64))
    out.upstream_workers = static_cast<int>(*v);
  if (auto v = r.integer(node, "batch", "inbox", 1, 1000)) out.batch = static_cast<int>(*v);
  if (auto v = r.integer(node, "poll_ms", "inbox", 1, 60000))
    out.poll = std::chrono::milliseconds(*v);
  if (auto v = r.integer(node, "lease_ms", "inbox", 100, 86400000))
    out.lease = std::chrono::milliseconds(*v);
  if (auto v = r.integer(node, "retention_hours", "inbox", 1, 24 * 3650))
    out.retention = std::chrono::hours(*v);
  const YAML::Node retry = node["retry"];
  if (retry.IsDefined() && r.map(retry, "inbox.retry", {"base_ms", "cap_ms", "max_attempts"})) {
    if (auto v = r.integer(retry, "base_ms", "inbox.retry", 1, 86400000))
      out.retry_base = std::chrono::milliseconds(*v);
    if (auto v = r.integer(retry, "cap_ms", "inbox.retry", 1, 86400000))
      out.retry_cap = std::chrono::milliseconds(*v);
    if (auto v = r.integer(retry, "max_attempts", "inbox.retry", 1, 1000))
      out.max_attempts = static_cast<int>(*v);
  }
}

void readAdmin(YamlReader& r, const YAML::Node& node, AdminConfig& out) {
  if (!node.IsDefined()) return;
  if (!r.map(node, "admin", {"token"})) return;
  if (auto token = r.string(node, "token", "admin")) {
    if (token->size() < 16)
      r.error(node["token"], "admin.token must be at least 16 characters");
    else
      out.token = *token;
  }
}

void readOutbound(YamlReader& r, const YAML::Node& node, const std::string& what,
                  OutboundConfig& out) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!r.map(node, what,
             {"connect_timeout_ms", "timeout_ms", "max_attempts", "backoff_base_ms",
              "backoff_cap_ms", "max_retry_after_ms", "breaker_failures", "breaker_cooldown_ms"}))
    return;
  const auto ms = [&](const char* key, std::chrono::milliseconds& field, std::int64_t min) {
    if (auto v = r.integer(node, key, what, min, 3600000)) field = std::chrono::milliseconds(*v);
  };
  ms("connect_timeout_ms", out.connect_timeout, 1);
  ms("timeout_ms", out.timeout, 1);
  ms("backoff_base_ms", out.backoff_base, 1);
  ms("backoff_cap_ms", out.backoff_cap, 1);
  ms("max_retry_after_ms", out.max_retry_after, 0);
  ms("breaker_cooldown_ms", out.breaker_cooldown, 1);
  if (auto v = r.integer(node, "max_attempts", what, 1, 20))
    out.max_attempts = static_cast<int>(*v);
  if (auto v = r.integer(node, "breaker_failures", what, 1, 1000))
    out.breaker_failures = static_cast<int>(*v);
}

void readPlugins(YamlReader& r, const YAML::Node& node, const fs::path& base, Config& out) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!r.isMap(node, "plugins")) return;
  for (const auto& kv : node) {
    const std::string instance = kv.first.Scalar();
    const YAML::Node& body = kv.second;
    if (!std::regex_match(instance, kInstanceName)) {
      r.error(kv.first, "plugin name '" + instance +
                            "' must start with a letter and use only a-z, 0-9, _ and -");
      continue;
    }
    const std::string what = "plugins." + instance;
    if (!r.map(body, what, {"library", "optional", "http_client", "config"})) continue;
    PluginConfig p;
    p.instance = instance;
    p.at = Position::of(r.file(), kv.first);
    auto library = r.string(body, "library", what, true);
    if (!library) continue;
    p.library = *library;
    std::string tried;
    p.library_path = findLibrary(p.library, base, out.plugin_dirs, tried);
    if (p.library_path.empty())
      r.error(body["library"], "plugin library '" + p.library + "' not found (looked for " +
                                   (tried.empty() ? "it in no directory" : tried) + ")");
    p.optional = r.boolean(body, "optional", what).value_or(false);
    readOutbound(r, body["http_client"], what + ".http_client", p.outbound);
    const YAML::Node config = body["config"];
    if (config.IsDefined() && !config.IsNull()) {
      if (r.isMap(config, what + ".config")) p.config = config;
    } else {
      p.config = YAML::Node(YAML::NodeType::Map);
    }
    out.plugins.push_back(std::move(p));
  }
}

void readRoutes(YamlReader& r, const YAML::Node& node, Config& out) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsSequence()) {
    r.error(node, "routes must be a list");
    return;
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& item : node) {
    if (!r.map(item, "route", {"method", "path", "plugin", "handler", "durable", "auth"})) continue;
    const bool durable = r.boolean(item, "durable", "route").value_or(false);
    const bool admin =
        r.oneOf(item, "auth", "route", {"none", "admin"}).value_or("none") == "admin";
    if (durable && out.storage.url.empty())
      r.error(item["durable"], "durable routes need a storage: section");
    auto method = r.oneOf(item, "method", "route",
                          {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"});
    auto path = r.string(item, "path", "route", true);
    auto plugin = r.string(item, "plugin", "route", true);
    auto handler = r.string(item, "handler", "route", true);
    if (!item["method"].IsDefined()) r.error(item, "route.method is required");
    if (path && !validRoutePath(*path)) {
      r.error(item["path"], "route.path '" + *path +
                                "' must start with / and consist of literal or {name} segments");
      path.reset();
    }
    if (path && isKernelPath(*path)) {
      r.error(item["path"], "route.path '" + *path + "' is served by the kernel");
      path.reset();
    }
    if (plugin && !out.plugin(*plugin)) {
      r.error(item["plugin"], "route names plugin '" + *plugin + "', which is not under plugins:");
      plugin.reset();
    }
    if (!method || !path || !plugin || !handler) continue;
    if (!seen.insert({*method, *path}).second) {
      r.error(item, "duplicate route " + *method + " " + *path);
      continue;
    }
    out.routes.push_back(
        {*method, *path, *plugin, *handler, durable, admin, Position::of(r.file(), item)});
  }
}

void readEvents(YamlReader& r, const YAML::Node& node, Config& out) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!r.isMap(node, "events")) return;
  for (const auto& kv : node) {
    const std::string topic = kv.first.Scalar();
    if (!std::regex_match(topic, kTopic)) {
      r.error(kv.first, "event topic '" + topic + "' must be dot-separated a-z, 0-9, _ and -");
      continue;
    }
    if (!kv.second.IsSequence()) {
      r.error(kv.second, "events." + topic + " must be a list of plugin.handler names");
      continue;
    }
    for (const auto& entry : kv.second) {
      // `plugin.handler`, or `{ handler: plugin.handler, async: true }`, or
      // `{ handler: plugin.handler, transaction: true }`
      YAML::Node item = entry;
      bool async = false, in_transaction = false;
      if (entry.IsMap()) {
        if (!r.map(entry, "events." + topic, {"handler", "async", "transaction"})) continue;
        async = r.boolean(entry, "async", "events." + topic).value_or(false);
        in_transaction = r.boolean(entry, "transaction", "events." + topic).value_or(false);
        if (async && in_transaction) {
          r.error(entry, "events." + topic + ": async and transaction exclude each other");
          continue;
        }
        if (in_transaction && out.storage.url.empty()) {
          r.error(entry["transaction"], "transactional event delivery needs a storage: section");
          continue;
        }
        item.reset(entry["handler"]);  // reset: `=` would overwrite the referenced node
        if (!item.IsDefined()) {
          r.error(entry, "events." + topic + ": handler is required");
          continue;
        }
        if (async && out.storage.url.empty()) {
          r.error(entry["async"], "async event delivery needs a storage: section");
          continue;
        }
      }
      std::smatch m;
      const std::string ref = item.IsScalar() ? item.Scalar() : "";
      if (!std::regex_match(ref, m, kHandlerRef)) {
        r.error(item, "events." + topic + ": '" + ref + "' must be plugin.handler");
        continue;
      }
      if (!out.plugin(m[1])) {
        r.error(item, "events." + topic + ": plugin '" + m[1].str() + "' is not under plugins:");
        continue;
      }
      out.subscriptions.push_back(
          {topic, m[1], m[2], async, in_transaction, Position::of(r.file(), item)});
    }
  }
}

}  // namespace

const PluginConfig* Config::plugin(const std::string& instance) const {
  for (const auto& p : plugins)
    if (p.instance == instance) return &p;
  return nullptr;
}

bool isKernelPath(const std::string& path) {
  return path == "/api/health" || path.rfind("/api/health/", 0) == 0 || path == "/api/admin" ||
         path.rfind("/api/admin/", 0) == 0;
}

Config loadConfig(const std::string& path, const LoadOptions& options) {
  Config out;
  out.file = path;
  std::vector<Diagnostic> problems;
  YAML::Node root;
  {
    std::ifstream in(path);
    if (!in) throw ConfigInvalid({{{path, 0, 0}, "cannot open the file"}});
    try {
      root = YAML::Load(in);
    } catch (const YAML::ParserException& e) {
      throw ConfigInvalid({{{path, e.mark.line + 1, e.mark.column + 1}, e.msg}});
    }
  }
  if (!root.IsMap()) throw ConfigInvalid({{{path, 1, 1}, "the file must be a YAML map"}});

  expandEnvironment(root, path, options.env, out.secrets, problems);

  YamlReader r(path, problems);
  const YAML::Node& top = root;
  r.map(top, "the top level",
        {"server", "logging", "storage", "inbox", "admin", "plugin_dirs", "plugins", "routes",
         "events"});
  const fs::path base = fs::absolute(fs::path(path)).parent_path();
  for (const auto& dir : r.strings(top, "plugin_dirs", "the top level"))
    out.plugin_dirs.push_back(resolveAgainst(base, dir));
  for (const auto& dir : options.default_plugin_dirs) out.plugin_dirs.push_back(dir);

  readServer(r, top["server"], out.server);
  readLogging(r, top["logging"], out.logging);
  readStorage(r, top["storage"], base, out.storage);
  readInbox(r, top["inbox"], out.inbox);
  readAdmin(r, top["admin"], out.admin);
  readPlugins(r, top["plugins"], base, out);
  readRoutes(r, top["routes"], out);
  readEvents(r, top["events"], out);

  if (!problems.empty()) {
    std::stable_sort(problems.begin(), problems.end(), [](const auto& a, const auto& b) {
      return std::tie(a.at.line, a.at.column) < std::tie(b.at.line, b.at.column);
    });
    throw ConfigInvalid(std::move(problems));
  }
  return out;
}

}  // namespace switchboard::kernel::config
