// `sqlite://PATH` or `postgresql://user:pass@host:port/db`, as written in YAML.
#pragma once

#include <optional>
#include <string>

namespace switchboard::kernel::storage {

struct StorageUrl {
  std::string backend;      // "sqlite" or "postgresql"
  std::string sqlite_path;  // for sqlite; ":memory:" allowed
  std::string conninfo;     // for postgresql: the URL itself, which libpq accepts

  // nullopt when the URL names no supported backend.
  static std::optional<StorageUrl> parse(const std::string& url);
};

}  // namespace switchboard::kernel::storage
