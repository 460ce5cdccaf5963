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
  // 2 MB: far below the automatic checkpoint's 16 MB, so only the thread can empty it.
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
  EXPECT_LT(longest, 24u << 20);  // the backstop checkpoints at 16 MB
  EXPECT_EQ(rows(), kCommits);
}

}  // namespace
