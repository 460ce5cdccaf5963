// SQLite's writers in one process. A commit that acknowledges something is on disk: a
// session()'s commit syncs the write-ahead log itself; a sessionWithoutFlush() commit does not,
// and a write turn's unlockAndFlush() then does (the group commit's way: the fsync after the
// commit has let the next writer in); the syncs are counted where they happen, at fdatasync on
// the log's descriptor.
// The kernel's writers take turns (writeTurn) instead of polling for the write lock, and write
// on one connection of their own, whose page cache outlives their turns.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <future>
#include <string>
#include <thread>

#include "storage/database.h"
#include "support/eventually.h"
#include "support/log_descriptor.h"
#include "support/temp_dir.h"

namespace {
std::atomic<int> log_syncs{0};
}  // namespace

// This test binary's fdatasync (libsqlite3's calls bind to it): counts, then does the real one.
extern "C" int fdatasync(int fd) {
  using Fn = int (*)(int);
  static const auto real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "fdatasync"));
  if (sbtest::isWriteAheadLog(fd)) ++log_syncs;
  return real(fd);
}

namespace {

using switchboard::kernel::storage::Database;
using switchboard::kernel::storage::StorageUrl;

TEST(DatabaseFlush, ADurableCommitSyncsTheLogAnUnflushedOneDoesNot) {
  sbtest::TempDir dir;
  Database db(*StorageUrl::parse("sqlite://" + (dir.path() / "sb.db").string()), 1);
  *db.session() << "CREATE TABLE t (v INTEGER NOT NULL)";

  int before = log_syncs;
  {
    auto s = db.session();
    soci::transaction tx(*s);
    *s << "INSERT INTO t (v) VALUES (1)";
    tx.commit();
  }
  EXPECT_GE(log_syncs - before, 1) << "a durable commit syncs the log (or this count sees nothing)";

  auto s = db.sessionWithoutFlush();
  before = log_syncs;
  {
    soci::transaction tx(*s);
    *s << "INSERT INTO t (v) VALUES (2)";
    tx.commit();
  }
  EXPECT_EQ(log_syncs - before, 0) << "an unflushed commit does not wait for the disk";
}

// The group commit's way: commit on the turn's connection (no sync of its own), let the next
// writer in, then sync the log.
TEST(DatabaseFlush, UnlockAndFlushSyncsTheLogAfterTheTurnsCommit) {
  sbtest::TempDir dir;
  Database db(*StorageUrl::parse("sqlite://" + (dir.path() / "sb.db").string()), 1);
  *db.session() << "CREATE TABLE t (v INTEGER NOT NULL)";
  auto turn = db.writeTurn();
  const int before = log_syncs;
  {
    soci::transaction tx(turn.session());
    turn.session() << "INSERT INTO t (v) VALUES (1)";
    tx.commit();
  }
  EXPECT_EQ(log_syncs - before, 0) << "the turn's commit does not wait for the disk";
  turn.unlockAndFlush();
  EXPECT_EQ(log_syncs - before, 1);
  auto next = db.writeTurn();  // the turn was let go
  int rows = 0;
  next.session() << "SELECT COUNT(*) FROM t", soci::into(rows);
  EXPECT_EQ(rows, 1);
}

TEST(WriteTurns, AWriterWaitsForTheTurnAndATurnHolderIsNeverMadeToWaitForItself) {
  sbtest::TempDir dir;
  Database db(*StorageUrl::parse("sqlite://" + (dir.path() / "sb.db").string()), 2);
  std::atomic<bool> second_has_it{false};
  std::promise<bool> outcome;
  auto result = outcome.get_future();
  // On a thread of its own: were the holder made to wait for itself, the test fails, not hangs.
  std::thread([&db, &second_has_it, outcome = std::move(outcome)]() mutable {
    auto turn = db.writeTurn();
    { auto again = db.writeTurn(); }  // the holder's handler writing on another connection
    std::thread second([&] {
      auto mine = db.writeTurn();
      second_has_it = true;
    });
    // Something that must not happen while the turn is held: given 200 ms to happen.
    const bool jumped =
        sbtest::eventually([&] { return second_has_it.load(); }, std::chrono::milliseconds(200));
    turn.unlock();
    second.join();
    outcome.set_value(!jumped && second_has_it);
  }).detach();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "a turn's holder waited for its own turn";
  EXPECT_TRUE(result.get()) << "the second writer did not wait for the first's turn";
}

// The metrics' switchboard_sqlite_write_turn_seconds_total: how long writers held the turn
// and waited for it (a held share near one second per second is a saturated database).
TEST(WriteTurns, TheTimeTurnsAreHeldOnAndOffTheCpuAndWaitedForIsCounted) {
  sbtest::TempDir dir;
  Database db(*StorageUrl::parse("sqlite://" + (dir.path() / "sb.db").string()), 2);
  const auto before = switchboard::kernel::storage::writeTurnTimes();
  std::atomic<bool> asking{false};
  {
    auto turn = db.writeTurn();
    std::thread second([&] {
      asking = true;
      auto mine = db.writeTurn();  // waits for the first turn's 50 ms
    });
    ASSERT_TRUE(sbtest::eventually([&] { return asking.load(); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // what is measured
    turn.unlock();
    second.join();
  }
  {
    // 20 ms of this thread's CPU, holding the turn.
    auto turn = db.writeTurn();
    const auto cpu = [] {
      timespec ts{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
    };
    const auto from = cpu();
    while (cpu() - from < std::chrono::milliseconds(20)) {
    }
  }
  const auto after = switchboard::kernel::storage::writeTurnTimes();
  EXPECT_GE(after.held_ns - before.held_ns, 70'000'000u);
  EXPECT_GE(after.waited_ns - before.waited_ns, 1'000'000u);
  // On the CPU: the spin, not the sleep.
  const auto on_cpu = after.held_on_cpu_ns - before.held_on_cpu_ns;
  EXPECT_GE(on_cpu, 20'000'000u);
  EXPECT_LE(on_cpu, after.held_ns - before.held_ns - 45'000'000u);
}

// Turn-holders write on one connection, not on whichever pooled one is free, so SQLite keeps
// its page cache from turn to turn: a connection that finds another one has written since its
// last transaction empties its cache and reads every page again.
TEST(WriteTurns, TurnHoldersShareOneConnectionWhosePagesStayCached) {
  sbtest::TempDir dir;
  Database db(*StorageUrl::parse("sqlite://" + (dir.path() / "sb.db").string()), 3);
  {
    auto s = db.session();
    *s << "CREATE TABLE t (v TEXT NOT NULL)";
    *s << "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
          "INSERT INTO t (v) SELECT printf('%.2000c', 'x') FROM n";
  }
  auto misses = [](soci::session& s) {
    auto* conn = static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
    int current = 0, highest = 0;
    sqlite_api::sqlite3_db_status(conn, SQLITE_DBSTATUS_CACHE_MISS, &current, &highest, 1);
    return current;
  };
  auto writeAndReadAll = [&](soci::session& s) {
    misses(s);  // from here
    soci::transaction tx(s);
    s << "INSERT INTO t (v) VALUES ('y')";
    long long length = 0;
    s << "SELECT SUM(LENGTH(v)) FROM t", soci::into(length);
    tx.commit();
    return misses(s);
  };
  soci::session* first = nullptr;
  std::thread([&] {
    auto turn = db.writeTurn();
    first = &turn.session();
    EXPECT_GT(writeAndReadAll(turn.session()), 50);  // the table's pages, read once
  }).join();
  // A reader holds a pooled connection meanwhile (an HTTP handler, the workers' due check).
  auto reader = db.session();
  int rows = 0;
  *reader << "SELECT COUNT(*) FROM t", soci::into(rows);
  auto turn = db.writeTurn();
  EXPECT_EQ(&turn.session(), first);
  EXPECT_NE(&turn.session(), reader.get());
  EXPECT_EQ(writeAndReadAll(turn.session()), 0) << "the last turn's pages were read again";
  {
    auto nested = db.writeTurn();  // the holder's handler, writing on another connection
    EXPECT_NE(&nested.session(), first);
  }
}

}  // namespace

namespace {
// SQLite runs in multi-thread mode: a connection is used by one thread at a time (leased from
// the pool, or the writers' own under the write turn), so it has no mutex of its own to take
// on every call (serialized mode, the default, would give it one).
TEST(DatabaseConnections, HaveNoMutexOfTheirOwn) {
  sbtest::TempDir dir;
  Database db(*StorageUrl::parse("sqlite://" + (dir.path() / "sb.db").string()), 2);
  auto mutexOf = [](soci::session& s) {
    return sqlite_api::sqlite3_db_mutex(
        static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_);
  };
  auto pooled = db.session();
  EXPECT_EQ(mutexOf(*pooled), nullptr);
  auto turn = db.writeTurn();
  EXPECT_EQ(mutexOf(turn.session()), nullptr);
}
}  // namespace
