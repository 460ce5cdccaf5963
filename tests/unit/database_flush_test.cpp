// A SQLite commit that acknowledges something is on disk: a session()'s commit syncs the
// write-ahead log itself; a sessionWithoutFlush() commit does not, and flushLog() then does
// (the group commit's way: the fsync after the commit has released the write lock). The syncs
// are counted where they happen, at fdatasync on the log's file descriptor.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "storage/database.h"
#include "support/temp_dir.h"

namespace {
std::atomic<int> log_syncs{0};

bool isLog(int fd) {
  char target[4096];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const auto n = readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0) return false;
  const std::string path(target, static_cast<std::size_t>(n));
  return path.size() > 4 && path.compare(path.size() - 4, 4, "-wal") == 0;
}
}  // namespace

// This test binary's fdatasync (libsqlite3's calls bind to it): counts, then does the real one.
extern "C" int fdatasync(int fd) {
  using Fn = int (*)(int);
  static const auto real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "fdatasync"));
  if (isLog(fd)) ++log_syncs;
  return real(fd);
}

namespace {

using switchboard::kernel::storage::Database;
using switchboard::kernel::storage::StorageUrl;

TEST(DatabaseFlush, AFlushLogAfterAnUnflushedCommitSyncsTheLogAsADurableCommitDoes) {
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
  db.flushLog(*s);
  EXPECT_EQ(log_syncs - before, 1);
  int rows = 0;
  *s << "SELECT COUNT(*) FROM t", soci::into(rows);
  EXPECT_EQ(rows, 2);
}

}  // namespace
