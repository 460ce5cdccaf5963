// The group committer on a real SQLite file: every submitted row is called back once, in submit
// order, after it is stored; a slow callback (a socket write) does not hold up the next commit.
#include "inbox/group_committer.h"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <spdlog/sinks/null_sink.h>

#include <chrono>
#include <future>
#include <thread>

#include "storage/database.h"
#include "storage/migrations.h"
#include "support/temp_dir.h"

namespace {

using switchboard::kernel::inbox::CommitResult;
using switchboard::kernel::inbox::GroupCommitter;
using switchboard::kernel::inbox::InboxStore;
using switchboard::kernel::inbox::NewItem;

NewItem item(const std::string& key) {
  NewItem i;
  i.kind = "webhook";
  i.source = "courier";
  i.handler = "webhook";
  i.type = "parcel.sent";
  i.dedupe_key = key;
  i.payload = "{}";
  i.received_ms = i.run_at_ms = 1000;
  return i;
}

class GroupCommitterTest : public ::testing::Test {
 protected:
  GroupCommitterTest()
      : db_(*switchboard::kernel::storage::StorageUrl::parse("sqlite://" +
                                                             (dir_.path() / "i.db").string()),
            2),
        store_(db_),
        log_(std::make_shared<spdlog::logger>("test",
                                              std::make_shared<spdlog::sinks::null_sink_mt>())) {
    switchboard::kernel::storage::migrate(db_, "kernel",
                                          switchboard::kernel::storage::kernelMigrations("sqlite"));
  }

  bool stored(const std::string& key) {
    auto session = db_.session();
    int n = 0;
    *session << "SELECT COUNT(*) FROM inbox WHERE dedupe_key = :k", soci::use(key), soci::into(n);
    return n == 1;
  }

  sbtest::TempDir dir_;
  switchboard::kernel::storage::Database db_;
  InboxStore store_;
  switchboard::kernel::observability::Metrics metrics_;
  std::shared_ptr<spdlog::logger> log_;
};

TEST_F(GroupCommitterTest, EveryRowIsCalledBackOnceInSubmitOrderAfterItIsStored) {
  constexpr int kThreads = 4, kPerThread = 300;
  std::mutex mutex;
  std::vector<std::vector<int>> seen(kThreads);
  int duplicates = 0, unstored = 0;
  {
    GroupCommitter committer(store_, metrics_, log_, nullptr, 16);
    std::vector<std::thread> senders;
    for (int t = 0; t < kThreads; ++t)
      senders.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          // Every tenth key repeats the one before it: stored, but as a duplicate.
          const int key = i % 10 == 9 ? i - 1 : i;
          committer.submit(item(std::to_string(t) + ":" + std::to_string(key)),
                           [&, t, i, key](const CommitResult& r) {
                             // Stored means committed: another connection reads it.
                             const bool found =
                                 stored(std::to_string(t) + ":" + std::to_string(key));
                             std::lock_guard lock(mutex);
                             seen[t].push_back(i);
                             if (!r.stored || !found) ++unstored;
                             if (r.duplicate != (key != i)) ++duplicates;
                           });
        }
      });
    for (auto& s : senders) s.join();
    committer.stop();  // returns once every callback ran
    std::lock_guard lock(mutex);
    for (int t = 0; t < kThreads; ++t) {
      ASSERT_EQ(seen[t].size(), static_cast<std::size_t>(kPerThread)) << "sender " << t;
      for (int i = 0; i < kPerThread; ++i) EXPECT_EQ(seen[t][i], i) << "sender " << t;
    }
  }
  EXPECT_EQ(unstored, 0);
  EXPECT_EQ(duplicates, 0) << "rows whose duplicate flag was wrong";
  EXPECT_EQ(store_.list(std::nullopt, 1'000'000).size(),
            static_cast<std::size_t>(kThreads * kPerThread * 9 / 10));
}

TEST_F(GroupCommitterTest, ASlowCallbackDoesNotHoldUpTheNextCommit) {
  std::promise<void> second_committed;
  std::atomic<int> commits{0};
  GroupCommitter committer(store_, metrics_, log_, [&] {
    if (++commits == 2) second_committed.set_value();
  });
  auto committed = second_committed.get_future();
  std::promise<bool> first_saw_second;
  std::promise<void> first_called;
  committer.submit(item("first"), [&](const CommitResult&) {
    first_called.set_value();
    // A client slow to take its response: the committer goes on without it.
    first_saw_second.set_value(committed.wait_for(std::chrono::seconds(30)) ==
                               std::future_status::ready);
  });
  first_called.get_future().wait();  // the first batch is committed and being called back
  std::promise<void> second_called;
  committer.submit(item("second"), [&](const CommitResult& r) {
    EXPECT_TRUE(r.stored);
    second_called.set_value();
  });
  EXPECT_TRUE(first_saw_second.get_future().get());
  second_called.get_future().wait();
  EXPECT_EQ(store_.list(std::nullopt, 10).size(), 2u);
}

TEST_F(GroupCommitterTest, AfterStopASubmitFailsAtOnce) {
  GroupCommitter committer(store_, metrics_, log_, nullptr);
  committer.stop();
  std::optional<CommitResult> result;
  committer.submit(item("late"), [&](const CommitResult& r) { result = r; });
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->stored);
  EXPECT_FALSE(result->error.empty());
}

}  // namespace
