// The kernel's own route table: immutable once built, shared by worker threads, replaced as a
// whole on reload. Paths are literal segments and {name} parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "observability/metrics.h"
#include "switchboard/http.h"
#include "switchboard/inbox.h"

namespace switchboard::kernel::http {

struct RouteTarget {
  std::string method;
  std::string label;  // "POST /webhooks/{provider}", the metrics label
  // One of these is set; both null: its plugin is unavailable (503).
  const switchboard::HttpHandler* handler = nullptr;
  const switchboard::DurableHandler* durable = nullptr;
  observability::RouteMetrics* metrics = nullptr;
  std::string plugin;        // for durable routes: the inbox source
  std::string handler_name;  // ... and handler
  // `auth: admin` routes: the bearer token asked for (empty: the admin API is off, 403).
  std::optional<std::string> admin_token;
  bool waits_upstream = false;  // the handler runs on the upstream pool, not the reactor thread
};

class RouteTable {
 public:
  // Throws std::invalid_argument for a duplicate method and path.
  void add(const std::string& path, RouteTarget target);

  struct Match {
    const RouteTarget* target = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    std::string allow;  // set when the path exists but not for this method: "GET, POST"
  };
  Match match(std::string_view method, std::string_view path) const;

 private:
  struct PathEntry {
    std::vector<std::string> segments;  // patterns only
    std::vector<RouteTarget> targets;
  };
  static void pick(const PathEntry& entry, std::string_view method, Match& out);

  std::unordered_map<std::string, PathEntry> exact_;
  std::vector<PathEntry> patterns_;  // in insertion order; the first that matches wins
};

}  // namespace switchboard::kernel::http
