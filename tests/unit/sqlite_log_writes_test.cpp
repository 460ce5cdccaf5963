// A commit's write-ahead-log frames reach the file in one write (sqlite_log_writes.cpp), and
// nothing SQLite reads, syncs or shows another connection is missing from the file. Writes are
// counted where they happen, at pwrite64 on the log's descriptor.
#include "storage/sqlite_log_writes.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>

#include "storage/database.h"
#include "support/log_descriptor.h"
#include "support/temp_dir.h"

namespace {
std::atomic<int> log_writes{0};
}  // namespace

// This test binary's pwrite64 (libsqlite3's calls bind to it): counts, then does the real one.
extern "C" ssize_t pwrite64(int fd, const void* data, size_t size, off64_t offset) {
  using Fn = ssize_t (*)(int, const void*, size_t, off64_t);
  static const auto real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "pwrite64"));
  if (sbtest::isWriteAheadLog(fd)) ++log_writes;
  return real(fd, data, size, offset);
}

namespace {

using switchboard::kernel::storage::coalesceSqliteLogWrites;

class SqliteLogWrites : public ::testing::Test {
 protected:
  void SetUp() override { coalesceSqliteLogWrites(); }
  std::unique_ptr<soci::session> open() {
    auto s = std::make_unique<soci::session>(*soci::factory_sqlite3(),
                                             "db=" + (dir_.path() / "l.db").string());
    *s << "PRAGMA journal_mode=WAL";
    *s << "PRAGMA synchronous=NORMAL";
    return s;
  }
  static int count(soci::session& s) {
    int n = 0;
    s << "SELECT count(*) FROM t", soci::into(n);
    return n;
  }
  sbtest::TempDir dir_;
};

TEST_F(SqliteLogWrites, ACommitOfManyPagesIsOneWriteThatAnotherConnectionThenReads) {
  auto writer = open();
  *writer << "CREATE TABLE t (v TEXT NOT NULL)";
  auto reader = open();
  EXPECT_EQ(count(*reader), 0);

  const int before = log_writes;
  {
    soci::transaction tx(*writer);
    const std::string page(3000, 'x');  // a row per page: 20 pages and more
    for (int i = 0; i < 20; ++i) *writer << "INSERT INTO t (v) VALUES (:v)", soci::use(page);
    tx.commit();
  }
  EXPECT_EQ(log_writes - before, 1);  // without the VFS, two per page: 40 and more
  EXPECT_EQ(count(*reader), 20);
}

TEST_F(SqliteLogWrites, ALargerCommitIsWrittenInPiecesTheFileBelowTakesWhole) {
  auto writer = open();
  *writer << "CREATE TABLE t (v TEXT NOT NULL)";
  auto reader = open();
  const int before = log_writes;
  {
    soci::transaction tx(*writer);
    const std::string page(3000, 'x');
    for (int i = 0; i < 100; ++i) *writer << "INSERT INTO t (v) VALUES (:v)", soci::use(page);
    tx.commit();
  }
  // 100 pages and more of 4 KiB: 4 writes of up to 128 KiB (a longer one would fail).
  EXPECT_GE(log_writes - before, 4);
  EXPECT_LE(log_writes - before, 5);
  EXPECT_EQ(count(*reader), 100);
}

// Pages a large transaction spills to the log before its commit are read back from the file.
TEST_F(SqliteLogWrites, ATransactionReadsBackWhatItSpiltAndARolledBackOneLeavesNoTrace) {
  auto writer = open();
  *writer << "CREATE TABLE t (v TEXT NOT NULL)";
  *writer << "PRAGMA cache_size=8";  // pages: the transaction's own spill to the log
  auto reader = open();
  const std::string page(3000, 'x');
  {
    soci::transaction tx(*writer);
    for (int i = 0; i < 200; ++i) *writer << "INSERT INTO t (v) VALUES (:v)", soci::use(page);
    long long total = 0;
    *writer << "SELECT sum(length(v)) FROM t", soci::into(total);
    EXPECT_EQ(total, 200 * 3000);
    tx.rollback();
  }
  EXPECT_EQ(count(*reader), 0);
  {
    soci::transaction tx(*writer);
    for (int i = 0; i < 150; ++i) *writer << "INSERT INTO t (v) VALUES (:v)", soci::use(page);
    tx.commit();
  }
  EXPECT_EQ(count(*reader), 150);
  std::string integrity;
  *reader << "PRAGMA integrity_check", soci::into(integrity);
  EXPECT_EQ(integrity, "ok");
}

// A commit is in the operating system's hands when it returns (synchronous=NORMAL: not yet
// synced, but a crash of the process loses nothing): a child commits and dies without closing.
TEST_F(SqliteLogWrites, ACommitSurvivesTheProcessDyingRightAfterIt) {
  { open()->once << "CREATE TABLE t (v TEXT NOT NULL)"; }
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto s = open().release();  // never closed
    soci::transaction tx(*s);
    *s << "INSERT INTO t (v) VALUES ('kept')";
    tx.commit();
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  auto reader = open();
  EXPECT_EQ(count(*reader), 1);
}

// A transaction that spilt pages to the log and rolled back leaves nothing of them to be
// written later over what another connection has committed since in the same place (kept in a
// buffer past the write lock, they were written at the rolling-back connection's next read:
// integrity_check then finds the other connection's pages out of order).
TEST_F(SqliteLogWrites, SpiltFramesOfARolledBackTransactionNeverOverwriteLaterCommits) {
  auto a = open();
  *a << "CREATE TABLE t (v TEXT NOT NULL)";
  *a << "PRAGMA cache_size=8";
  auto b = open();
  // An empty log: the rollback then rereads what it needs from the database file, and no read
  // of the log makes its spilt frames be written.
  *a << "PRAGMA wal_checkpoint(TRUNCATE)";
  const std::string page(3000, 'x');
  {
    soci::transaction tx(*a);
    for (int i = 0; i < 60; ++i) *a << "INSERT INTO t (v) VALUES (:v)", soci::use(page);
    tx.rollback();  // its spilt frames lie beyond the log's last commit
  }
  {
    soci::transaction tx(*b);  // written where the rolled-back frames were
    const std::string other(3000, 'y');
    for (int i = 0; i < 80; ++i) *b << "INSERT INTO t (v) VALUES (:v)", soci::use(other);
    tx.commit();
  }
  {
    soci::transaction tx(*a);  // a writes and reads again
    *a << "INSERT INTO t (v) VALUES ('z')";
    tx.commit();
  }
  std::string integrity;
  *a << "PRAGMA integrity_check", soci::into(integrity);
  EXPECT_EQ(integrity, "ok");
  long long ys = 0;
  *b << "SELECT count(*) FROM t WHERE v LIKE 'y%'", soci::into(ys);
  EXPECT_EQ(ys, 80);
  EXPECT_EQ(count(*b), 81);
}

}  // namespace
