#include "storage/storage_url.h"

namespace sb::storage {

std::optional<StorageUrl> StorageUrl::parse(const std::string& url) {
  StorageUrl out;
  if (url.rfind("sqlite://", 0) == 0) {
    out.backend = "sqlite";
    out.sqlite_path = url.substr(9);
    if (out.sqlite_path.empty()) return std::nullopt;
    return out;
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    out.backend = "postgresql";
    out.conninfo = url;
    return out;
  }
  return std::nullopt;
}

}  // namespace sb::storage
