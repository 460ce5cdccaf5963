#include "storage/database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>

namespace sb::storage {

Database::Database(const StorageUrl& url, std::size_t pool_size)
    : backend_(url.backend), pool_(std::make_unique<soci::connection_pool>(pool_size)) {
  if (url.backend == "sqlite" && url.sqlite_path != ":memory:") {
    const auto parent = std::filesystem::path(url.sqlite_path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
  }
  for (std::size_t i = 0; i < pool_size; ++i) {
    soci::session& s = pool_->at(i);
    if (url.backend == "sqlite")
      s.open(*soci::factory_sqlite3(), "db=" + url.sqlite_path + " timeout=10");
    else
      s.open(*soci::factory_postgresql(), url.conninfo);
    configure(s);
  }
}

void Database::configure(soci::session& s) const {
  if (backend_ == "sqlite") {
    s << "PRAGMA journal_mode=WAL";
    // FULL: a commit is on disk before the 2xx that acknowledges it; group commit pays
    // for the fsync once per batch.
    s << "PRAGMA synchronous=FULL";
    s << "PRAGMA foreign_keys=ON";
    s << "PRAGMA busy_timeout=10000";
    s << "PRAGMA temp_store=MEMORY";  // RETURNING buffers rows in a temp table; not on disk
  } else {
    // libpq prints NOTICEs (e.g. "relation already exists, skipping") to stderr.
    s << "SET client_min_messages = warning";
  }
}

Database::~Database() = default;

std::unique_ptr<soci::session> Database::session() {
  auto s = std::make_unique<soci::session>(*pool_);
  // A PostgreSQL connection the server dropped (restart, failover, idle kill) stays broken in
  // the pool: libpq marks it bad after the failed call, so the next lease opens it again.
  // PQstatus is local; SOCI's is_connected() would cost a round trip per lease.
  if (isPostgres()) {
    auto* backend = static_cast<soci::postgresql_session_backend*>(s->get_backend());
    if (PQstatus(backend->conn_) == CONNECTION_BAD) {
      s->reconnect();
      configure(*s);
    }
  }
  return s;
}

}  // namespace sb::storage
