#include "storage/storage_url.h"

#include <algorithm>

namespace switchboard::kernel::storage {

std::optional<StorageUrl> StorageUrl::parse(const std::string& url) {
  StorageUrl out;
  if (url.rfind("sqlite://", 0) == 0) {
    out.backend = "sqlite";
    out.sqlite_path = url.substr(9);
    if (out.sqlite_path.empty()) return std::nullopt;
    return out;
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    // SOCI rewrites a URL it is given, so hand libpq keyword=value pairs instead.
    out.backend = "postgresql";
    std::string rest = url.substr(url.find("://") + 3);
    std::string query;
    if (auto q = rest.find('?'); q != std::string::npos) {
      query = rest.substr(q + 1);
      rest = rest.substr(0, q);
    }
    std::string db;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
      db = rest.substr(slash + 1);
      rest = rest.substr(0, slash);
    }
    std::string user, password;
    if (auto at = rest.rfind('@'); at != std::string::npos) {
      user = rest.substr(0, at);
      rest = rest.substr(at + 1);
      if (auto colon = user.find(':'); colon != std::string::npos) {
        password = user.substr(colon + 1);
        user = user.substr(0, colon);
      }
    }
    std::string host = rest, port;
    if (auto colon = rest.rfind(':');
        colon != std::string::npos && rest.find(']') == std::string::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
    }
    auto add = [&](const char* key, const std::string& value) {
      if (value.empty()) return;
      std::string quoted;
      for (char c : value) {
        if (c == '\\' || c == '\'') quoted += '\\';
        quoted += c;
      }
      out.conninfo += std::string(out.conninfo.empty() ? "" : " ") + key + "='" + quoted + "'";
    };
    add("host", host);
    add("port", port);
    add("user", user);
    add("password", password);
    add("dbname", db);
    for (std::size_t start = 0; start < query.size();) {
      const auto end = std::min(query.find('&', start), query.size());
      const auto pair = query.substr(start, end - start);
      if (auto eq = pair.find('='); eq != std::string::npos)
        add(pair.substr(0, eq).c_str(), pair.substr(eq + 1));
      start = end + 1;
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace switchboard::kernel::storage
