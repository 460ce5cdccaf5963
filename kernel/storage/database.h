// The connection pool behind host.store(): SQLite (WAL, busy timeout, foreign keys, full
// sync) or PostgreSQL, from one URL.
#pragma once

#include <soci/soci.h>

#include <chrono>
#include <memory>
#include <string>

#include "storage/storage_url.h"
#include "switchboard/store.h"

namespace switchboard::kernel::storage {

class Database final : public switchboard::Store {
 public:
  // Opens `pool_size` connections; throws soci::soci_error / std::runtime_error on failure.
  Database(const StorageUrl& url, std::size_t pool_size);
  ~Database() override;

  const std::string& backend() const override { return backend_; }
  std::unique_ptr<soci::session> session() override;
  bool isPostgres() const { return backend_ == "postgresql"; }
  // After a failure on `s`: was it the connection (the server went away), not the statement?
  bool broken(soci::session& s) const;

  // A round trip (SELECT 1) on a pooled connection, for the detailed health report.
  struct Ping {
    bool ok = false;
    std::chrono::microseconds latency{0};
    std::string error;
  };
  Ping ping();
  std::size_t poolSize() const { return pool_size_; }

 private:
  void configure(soci::session& s) const;  // per connection: pragmas, session settings

  std::string backend_;
  std::size_t pool_size_;
  std::unique_ptr<soci::connection_pool> pool_;
};

}  // namespace switchboard::kernel::storage
