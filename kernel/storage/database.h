// The connection pool behind host.store(): SQLite (WAL, busy timeout, foreign keys, full
// sync) or PostgreSQL, from one URL.
#pragma once

#include <soci/soci.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <utility>

#include "storage/storage_url.h"
#include "storage/wal_checkpointer.h"
#include "switchboard/store.h"

namespace switchboard::kernel::storage {

// A writer's turn (Database::writeTurn), held until destroyed or unlock().
class WriteTurn {
 public:
  WriteTurn() = default;
  // Waits for `turn`, unless this thread holds a turn already: a write it makes meanwhile on
  // another connection (a plugin's, outside the worker's transaction) then meets SQLite's lock
  // and its busy timeout, as it would without turns, instead of waiting for itself forever.
  explicit WriteTurn(std::mutex& turn);
  ~WriteTurn() { unlock(); }
  WriteTurn(WriteTurn&& other) noexcept : turn_(std::exchange(other.turn_, nullptr)) {}
  WriteTurn& operator=(WriteTurn&&) = delete;
  void unlock();

 private:
  std::mutex* turn_ = nullptr;
};

class Database final : public switchboard::Store {
 public:
  // Opens `pool_size` connections; throws soci::soci_error / std::runtime_error on failure.
  // With `checkpoint_errors`, a SQLite file's log is checkpointed by a thread of its own
  // (WalCheckpointer) instead of inside commits; a failed checkpoint is reported there.
  Database(const StorageUrl& url, std::size_t pool_size,
           std::function<void(const std::string&)> checkpoint_errors = nullptr,
           std::chrono::milliseconds checkpoint_every = std::chrono::milliseconds(200));
  ~Database() override;

  const std::string& backend() const override { return backend_; }
  // Commits on it are on disk before commit() returns: what acknowledges anything to anyone.
  std::unique_ptr<soci::session> session() override;
  // Commits on it survive a crash of the process but may be undone, a consistent tail of
  // them, by a power loss or an OS crash until a durable commit follows (SQLite: WAL with
  // synchronous=NORMAL; PostgreSQL: synchronous_commit=off). For work that is redone when its
  // commit is undone: the inbox's claims and its processing, whose "done" mark is in the same
  // transaction. Saves a flush per such commit, which dominated a lightly loaded inbox.
  std::unique_ptr<soci::session> sessionWithoutFlush();
  // SQLite: puts every commit made so far on `s` (a sessionWithoutFlush()) on disk, as a
  // session()'s commit would have, but after the commit has released the write lock: a
  // synchronous=FULL commit holds it through the fsync, and every other writer waits through
  // it too. For the group commit: commit, flushLog, then acknowledge. Throws on PostgreSQL.
  void flushLog(soci::session& s);
  bool isPostgres() const { return backend_ == "postgresql"; }
  // SQLite has one writer at a time, and a connection that finds the write lock taken polls for
  // it (retrySoon). The kernel's own writers (group commit, inbox workers) instead take turns
  // here, each sleeping until the one before it is done: no polling, no wake-ups for nothing.
  // Take the turn before leasing the session (a turn-holder may need a second connection while
  // the others wait) and hold it until the transaction has ended. Unlocked on PostgreSQL.
  WriteTurn writeTurn();
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
  std::unique_ptr<soci::session> lease();
  void setFlush(soci::session& s, bool flush);  // switches only when the connection differs
  void reopen(soci::session& s);                // a PostgreSQL connection the server dropped

  std::mutex write_turn_;
  std::mutex relaxed_mutex_;
  std::unordered_set<const void*> relaxed_;  // connections (backends) set not to flush

  std::string backend_;
  std::size_t pool_size_;
  std::unique_ptr<soci::connection_pool> pool_;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // after the pool: stops before it closes
};

}  // namespace switchboard::kernel::storage
