#include "storage/database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <ctime>
#include <filesystem>

#include "storage/sqlite_busy.h"
#include "storage/sqlite_log_writes.h"
#include "storage/transaction_mark.h"

namespace switchboard::kernel::storage {

namespace {
constexpr std::chrono::milliseconds kBusyBudget{10000};  // then SQLITE_BUSY to the caller

// SQLite's process-wide settings, made while the program loads: sqlite3_config refuses once
// SQLite is in use. Multi-thread mode: a connection is only ever used by one thread at a time
// (the pool leases it; the writers' own connection goes with the write turn), so the mutex
// that serialized mode takes on each call into a connection and statement is not needed (with
// no memory statistics, whose global mutex every SQLite allocation took, it was 3-4% of an
// inbox worker's time). Then the VFS that gathers a commit's log writes.
const bool kSqliteSetUp = [] {
  sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
  sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  coalesceSqliteLogWrites();
  return true;
}();
}  // namespace

Database::Database(const StorageUrl& url, std::size_t pool_size,
                   std::function<void(const std::string&)> checkpoint_errors,
                   std::chrono::milliseconds checkpoint_every)
    : backend_(url.backend),
      pool_size_(pool_size),
      pool_(std::make_unique<soci::connection_pool>(pool_size)) {
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
  if (url.backend == "sqlite" && url.sqlite_path != ":memory:") {
    writer_ = std::make_unique<soci::session>(*soci::factory_sqlite3(),
                                              "db=" + url.sqlite_path + " timeout=10");
    configure(*writer_);
    *writer_ << "PRAGMA synchronous=NORMAL";  // a sessionWithoutFlush(); see unlockAndFlush()
  }
  if (checkpoint_errors && url.backend == "sqlite" && url.sqlite_path != ":memory:") {
    checkpointer_ = std::make_unique<WalCheckpointer>(url.sqlite_path, checkpoint_every,
                                                      std::move(checkpoint_errors));
    for (std::size_t i = 0; i < pool_size; ++i) checkpointer_->backstop(pool_->at(i));
    checkpointer_->backstop(*writer_);
  }
}

void Database::configure(soci::session& s) const {
  if (backend_ == "sqlite") {
    s << "PRAGMA journal_mode=WAL";
    // FULL: a commit is on disk before the 2xx that acknowledges it; group commit pays
    // for the fsync once per batch.
    s << "PRAGMA synchronous=FULL";
    s << "PRAGMA foreign_keys=ON";
    s << "PRAGMA temp_store=MEMORY";  // RETURNING buffers rows in a temp table; not on disk
    retrySoon(s, kBusyBudget);
  } else {
    // libpq prints NOTICEs (e.g. "relation already exists, skipping") to stderr.
    s << "SET client_min_messages = warning";
  }
}

Database::~Database() = default;

namespace {
PGconn* connectionOf(soci::session& s) {
  return static_cast<soci::postgresql_session_backend*>(s.get_backend())->conn_;
}
}  // namespace

std::unique_ptr<soci::session> Database::session() {
  auto s = lease();
  setFlush(*s, true);
  return s;
}

std::unique_ptr<soci::session> Database::sessionWithoutFlush() {
  auto s = lease();
  setFlush(*s, false);
  return s;
}

namespace {
thread_local bool holds_write_turn = false;
std::atomic<std::uint64_t> turn_waited_ns{0}, turn_held_ns{0}, turn_held_cpu_ns{0};

// A system call (1.3 µs on this VM; no vDSO for it): two per turn, for telling a holder that
// computes from one that was preempted.
std::uint64_t threadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

std::uint64_t nsSince(std::chrono::steady_clock::time_point t) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t)
          .count());
}

// The WAL's own file: what a synchronous=FULL commit syncs after writing its frames (a
// connection that has committed in WAL mode has the log open, and keeps it until closed).
sqlite_api::sqlite3_file* writeAheadLog(soci::session& s) {
  if (s.get_backend_name() != "sqlite3") throw std::logic_error("unlockAndFlush: SQLite only");
  auto* db = static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
  sqlite_api::sqlite3_file* log = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &log) != SQLITE_OK)
    throw std::runtime_error("cannot reach the database's write-ahead log");
  if (!log || !log->pMethods) throw std::runtime_error("the write-ahead log is not open");
  return log;
}

void syncLog(sqlite_api::sqlite3_file* log) {
  if (const int rc = log->pMethods->xSync(log, SQLITE_SYNC_NORMAL); rc != SQLITE_OK)
    throw std::runtime_error(std::string("cannot flush the write-ahead log: ") +
                             sqlite_api::sqlite3_errstr(rc));
}
}  // namespace

WriteTurn::WriteTurn(Database& db, std::mutex* turn, soci::session* writer) : db_(&db) {
  if (!turn || holds_write_turn) return;
  const auto asked = std::chrono::steady_clock::now();
  turn->lock();
  taken_ = std::chrono::steady_clock::now();
  taken_cpu_ns_ = threadCpuNs();
  turn_waited_ns.fetch_add(nsSince(asked), std::memory_order_relaxed);
  turn_ = turn;
  writer_ = writer;
  holds_write_turn = true;
}

WriteTurn::WriteTurn(WriteTurn&& other) noexcept
    : db_(other.db_),
      taken_(other.taken_),
      taken_cpu_ns_(other.taken_cpu_ns_),
      turn_(std::exchange(other.turn_, nullptr)),
      writer_(std::exchange(other.writer_, nullptr)),
      pooled_(std::move(other.pooled_)) {}

soci::session& WriteTurn::session() {
  if (writer_) return *writer_;
  if (!pooled_) pooled_ = db_->sessionWithoutFlush();
  return *pooled_;
}

void WriteTurn::unlock() {
  writer_ = nullptr;
  if (!turn_) return;
  holds_write_turn = false;
  turn_held_ns.fetch_add(nsSince(taken_), std::memory_order_relaxed);
  turn_held_cpu_ns.fetch_add(threadCpuNs() - taken_cpu_ns_, std::memory_order_relaxed);
  std::exchange(turn_, nullptr)->unlock();
}

WriteTurnTimes writeTurnTimes() {
  return {turn_waited_ns.load(std::memory_order_relaxed),
          turn_held_ns.load(std::memory_order_relaxed),
          turn_held_cpu_ns.load(std::memory_order_relaxed)};
}

void WriteTurn::unlockAndFlush() {
  soci::session& s = session();
  sqlite_api::sqlite3_file* log = writeAheadLog(s);
  unlock();
  // The next holder may be writing frames through this file meanwhile: the sync needs only the
  // descriptor, and covers whatever it has written so far too.
  syncLog(log);
}

WriteTurn Database::writeTurn() {
  if (isPostgres()) return WriteTurn(*this, nullptr, nullptr);
  return WriteTurn(*this, &write_turn_, writer_.get());
}

void Database::setFlush(soci::session& s, bool flush) {
  // A pooled connection keeps its setting from lease to lease; most leases find it as wanted.
  {
    std::lock_guard lock(relaxed_mutex_);
    if (relaxed_.count(s.get_backend()) != flush) return;
  }
  const char* setting =
      isPostgres() ? (flush ? "SET synchronous_commit = on" : "SET synchronous_commit = off")
                   : (flush ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  try {
    s << setting;
  } catch (const std::exception&) {
    // Dropped by the server since the lease looked (the lease's own check cannot see every
    // drop): opened again, as the lease would, so its holder gets a working connection.
    if (!broken(s)) throw;
    reopen(s);
    if (flush) return;  // a fresh connection flushes
    s << setting;
  }
  std::lock_guard lock(relaxed_mutex_);
  if (flush)
    relaxed_.erase(s.get_backend());
  else
    relaxed_.insert(s.get_backend());
}

void Database::reopen(soci::session& s) {
  {
    std::lock_guard lock(relaxed_mutex_);
    relaxed_.erase(s.get_backend());
  }
  {
    std::lock_guard lock(statements_mutex_);  // the server drops them with the connection
    statements_.erase(s.get_backend());
  }
  s.reconnect();
  configure(s);  // flushing, the default
  std::lock_guard lock(relaxed_mutex_);
  relaxed_.erase(s.get_backend());
}

std::unique_ptr<soci::session> Database::lease() {
  auto s = std::make_unique<soci::session>(*pool_);
  // A PostgreSQL connection the server dropped (restart, failover, idle kill) looks fine to
  // PQstatus until a call on it fails. PQconsumeInput reads what the server sent meanwhile (its
  // FATAL message and EOF) without a round trip and without blocking, so the lease sees the
  // connection is gone and opens it again; every slot is checked this way on every lease.
  if (isPostgres()) {
    PGconn* conn = connectionOf(*s);
    if (PQstatus(conn) != CONNECTION_BAD) PQconsumeInput(conn);
    if (PQstatus(conn) == CONNECTION_BAD) reopen(*s);
  }
  return s;
}

Database::Ping Database::ping() {
  Ping result;
  const auto begin = std::chrono::steady_clock::now();
  // A connection the server dropped since its lease was checked fails the first try: the
  // health report asks about the database, not that connection, so it tries once more (the
  // broken connection is reopened on its next lease).
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto s = session();
    try {
      int one = 0;
      *s << "SELECT 1", soci::into(one);
      result.ok = one == 1;
      result.error.clear();
      break;
    } catch (const std::exception& e) {
      result.error = e.what();
      if (!broken(*s)) break;
    }
  }
  result.latency = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - begin);
  return result;
}

bool Database::broken(soci::session& s) const {
  return isPostgres() && PQstatus(connectionOf(s)) == CONNECTION_BAD;
}

PreparedStatements& Database::statementsOf(soci::session& s) {
  std::lock_guard lock(statements_mutex_);
  auto& kept = statements_[s.get_backend()];
  // SOCI made a new connection under the same backend: the old one's statements are gone.
  if (!kept || kept->connection() != PreparedStatements::connectionOf(s))
    kept = PreparedStatements::of(s);
  return *kept;
}

std::size_t Database::preparedStatements() {
  std::lock_guard lock(statements_mutex_);
  std::size_t n = 0;
  for (const auto& [backend, kept] : statements_) n += kept->kept();
  return n;
}

std::unique_ptr<PreparedSession> Database::over(soci::session& tx) {
  return std::make_unique<PreparedSession>(backend_, statementsOf(tx), tx);
}

void Database::write(const std::function<void(db::Session&)>& work) {
  auto s = session();
  const TransactionMark mark;
  PreparedSession tx(backend_, statementsOf(*s), *s);
  tx.run(isPostgres() ? "BEGIN" : "BEGIN IMMEDIATE", {});
  try {
    work(tx);
    tx.run("COMMIT", {});
  } catch (...) {
    try {
      tx.run("ROLLBACK", {});
    } catch (const std::exception&) {
      // The connection is gone (the transaction with it), or SQLite rolled back already.
    }
    throw;
  }
}

void Database::read(const std::function<void(db::Session&)>& work) {
  auto s = session();
  PreparedSession session(backend_, statementsOf(*s), *s);
  work(session);
}

}  // namespace switchboard::kernel::storage
