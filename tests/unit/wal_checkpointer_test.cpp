// SQLite's log checkpointed by the database's own thread: a log written to and then left
// alone is copied back and truncated without any commit doing it, and a writer that never
// pauses still cannot grow it without bound.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <filesystem>
#include <mutex>

#include "storage/database.h"
#include "support/eventually.h"
#include "support/temp_dir.h"

namespace {

using switchboard::kernel::storage::Database;
using switchboard::kernel::storage::StorageUrl;
using switchboard::kernel::storage::WalCheckpointer;

class WalCheckpoints : public ::testing::Test {
 protected:
  WalCheckpoints()
      : db_(
            *StorageUrl::parse("sqlite://" + path_.string()), 2,
            [this](const std::string& e) {
              std::lock_guard lock(mutex_);
              errors_.push_back(e);
            },
            std::chrono::milliseconds(10)) {
    *db_.session() << "CREATE TABLE t (v BLOB NOT NULL)";
  }
  ~WalCheckpoints() override {
    std::lock_guard lock(mutex_);
    EXPECT_TRUE(errors_.empty()) << errors_.front();
  }

  std::uintmax_t logBytes() const {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path_.string() + "-wal", ec);
    return ec ? 0 : n;
  }
  int rows() {
    int n = 0;
    *db_.session() << "SELECT COUNT(*) FROM t", soci::into(n);
    return n;
  }

  const std::string page_ = std::string(4096, 'x');
  sbtest::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "w.db";
  std::mutex mutex_;
  std::vector<std::string> errors_;
  Database db_;
};

TEST_F(WalCheckpoints, ALogLeftAloneIsCopiedBackAndTruncatedWithoutACommitDoingIt) {
  // 2 MB: far below the backstop's 16 MB, so only the thread can empty it.
  for (int i = 0; i < 500; ++i)
    *db_.sessionWithoutFlush() << "INSERT INTO t (v) VALUES (:v)", soci::use(page_);
  EXPECT_TRUE(sbtest::eventually([&] { return logBytes() == 0; })) << logBytes();
  EXPECT_EQ(rows(), 500);
}

TEST_F(WalCheckpoints, AWriterThatNeverPausesCannotGrowTheLogWithoutBound) {
  constexpr int kCommits = 10000;  // 40 MB of log
  std::uintmax_t longest = 0;
  for (int i = 0; i < kCommits; ++i) {
    *db_.sessionWithoutFlush() << "INSERT INTO t (v) VALUES (:v)", soci::use(page_);
    longest = std::max(longest, logBytes());
  }
  // The backstop copies the log back after the commit that takes it past 16 MB, waiting for
  // the thread's checkpoint if need be: the next commit starts it from the top, however slow
  // the disk. (SQLite's own backstop skipped its turn while the thread was flushing: 26.8 MB
  // on a slow CI disk, 10 runs in 10 over 24 MB beside a `dd conv=fsync` loop.)
  const auto backstop_bytes = std::uintmax_t{WalCheckpointer::kBackstopFrames} * (4096 + 24);
  EXPECT_LT(longest, backstop_bytes + (256u << 10));
  EXPECT_EQ(rows(), kCommits);
}

}  // namespace
