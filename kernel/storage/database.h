// The connection pool behind host.store(): SQLite (WAL, busy timeout, foreign keys, full
// sync) or PostgreSQL, from one URL.
#pragma once

#include <soci/soci.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "storage/prepared_statements.h"
#include "storage/storage_url.h"
#include "storage/wal_checkpointer.h"
#include "switchboard/db.h"
#include "switchboard/store.h"

namespace switchboard::kernel::storage {

class Database;

// A writer's turn (Database::writeTurn), held until destroyed or unlock(), with the connection
// to write on.
class WriteTurn {
 public:
  WriteTurn(WriteTurn&& other) noexcept;
  WriteTurn& operator=(WriteTurn&&) = delete;
  ~WriteTurn() { unlock(); }

  // SQLite, the turn's holder: the connection only turn-holders write on. One connection keeps
  // its page cache from turn to turn (SQLite empties a connection's cache when another has
  // written since its last transaction, and every transaction then read its pages again).
  // Otherwise (PostgreSQL; a thread that holds a turn already): a pooled connection.
  // Either way a sessionWithoutFlush(): commits on it are flushed by unlockAndFlush(), or not.
  soci::session& session();
  void unlock();
  // SQLite: lets the next writer in, then puts every commit made on session() on disk, as a
  // synchronous=FULL commit would have but without holding the write lock through the fsync.
  // For the group commit: commit, unlockAndFlush, then acknowledge. Throws on PostgreSQL.
  void unlockAndFlush();

 private:
  friend class Database;
  // Waits for the turn, unless this thread holds one already: a write it makes meanwhile on
  // another connection (a plugin's, outside the worker's transaction) then meets SQLite's lock
  // and its busy timeout, as it would without turns, instead of waiting for itself forever.
  WriteTurn(Database& db, std::mutex* turn, soci::session* writer);

  Database* db_ = nullptr;
  std::chrono::steady_clock::time_point taken_;  // when turn_ was
  std::uint64_t taken_cpu_ns_ = 0;               // the thread's CPU time then
  std::mutex* turn_ = nullptr;
  soci::session* writer_ = nullptr;        // the writers' connection, while the turn is held
  std::unique_ptr<soci::session> pooled_;  // leased on first use when there is no writer_
};

// SQLite's single writer, as the process shares it: how long writers waited for their turn and
// held it, in total (a held share near 1 s per second is a saturated database).
struct WriteTurnTimes {
  std::uint64_t waited_ns = 0;
  std::uint64_t held_ns = 0;
  std::uint64_t held_on_cpu_ns = 0;  // of held_ns, the holders' CPU time (the rest: off the CPU)
};
WriteTurnTimes writeTurnTimes();

class Database final : public switchboard::Store, public db::Database {
 public:
  // Opens `pool_size` connections; throws soci::soci_error / std::runtime_error on failure.
  // With `checkpoint_errors`, a SQLite file's log is checkpointed by a thread of its own
  // (WalCheckpointer) instead of inside commits; a failed checkpoint is reported there.
  Database(const StorageUrl& url, std::size_t pool_size,
           std::function<void(const std::string&)> checkpoint_errors = nullptr,
           std::chrono::milliseconds checkpoint_every = std::chrono::milliseconds(200));
  ~Database() override;

  const std::string& backend() const override { return backend_; }
  db::Database& database() override { return *this; }
  // The statements of `tx`'s connection as a db::Session (in its transaction, if any), for a
  // handler the kernel runs in a transaction it holds through SOCI; valid while `tx` is.
  std::unique_ptr<PreparedSession> over(soci::session& tx);
  // db::Database: a leased connection (flushing commits), BEGIN IMMEDIATE on SQLite.
  void write(const std::function<void(db::Session&)>& work) override;
  void read(const std::function<void(db::Session&)>& work) override;
  using db::Database::read;
  using db::Database::write;
  // Statements kept, all connections (for the metrics).
  std::size_t preparedStatements();
  // Commits on it are on disk before commit() returns: what acknowledges anything to anyone.
  std::unique_ptr<soci::session> session();
  // Commits on it survive a crash of the process but may be undone, a consistent tail of
  // them, by a power loss or an OS crash until a durable commit follows (SQLite: WAL with
  // synchronous=NORMAL; PostgreSQL: synchronous_commit=off). For work that is redone when its
  // commit is undone: the inbox's claims and its processing, whose "done" mark is in the same
  // transaction. Saves a flush per such commit, which dominated a lightly loaded inbox.
  std::unique_ptr<soci::session> sessionWithoutFlush();
  bool isPostgres() const { return backend_ == "postgresql"; }
  // SQLite has one writer at a time, and a connection that finds the write lock taken polls for
  // it (retrySoon). The kernel's own writers (group commit, inbox workers) instead take turns
  // here, each sleeping until the one before it is done: no polling, no wake-ups for nothing,
  // and write on the turn's session(). Hold the turn until the transaction has ended. On
  // PostgreSQL there is no turn to wait for; session() is a pooled connection.
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
  std::unique_ptr<soci::session> writer_;  // SQLite: the turn-holders' connection (not pooled)
  std::mutex relaxed_mutex_;
  std::unordered_set<const void*> relaxed_;  // connections (backends) set not to flush

  std::string backend_;
  std::size_t pool_size_;
  std::unique_ptr<soci::connection_pool> pool_;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // after the pool: stops before it closes
  // Each connection's prepared statements, by its SOCI backend; freed before the pool closes.
  PreparedStatements& statementsOf(soci::session& s);
  std::mutex statements_mutex_;
  std::unordered_map<const void*, std::unique_ptr<PreparedStatements>> statements_;
};

}  // namespace switchboard::kernel::storage
