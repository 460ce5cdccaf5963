// The inbox table's rules on a real SQLite file: dedupe, claim with a lease, lease expiry,
// a stale owner losing its row, retry and dead.
#include "inbox/inbox_store.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "storage/database.h"
#include "storage/migrations.h"
#include "support/temp_dir.h"

namespace {

using switchboard::kernel::inbox::InboxStore;
using switchboard::kernel::inbox::NewItem;

NewItem item(const std::string& key, const std::string& source = "courier") {
  NewItem i;
  i.kind = "webhook";
  i.source = source;
  i.handler = "webhook";
  i.type = "parcel.sent";
  i.dedupe_key = key;
  i.payload = "{}";
  i.received_ms = 1000;
  i.run_at_ms = 1000;
  return i;
}

class InboxStoreTest : public ::testing::Test {
 protected:
  InboxStoreTest()
      : db_(*switchboard::kernel::storage::StorageUrl::parse("sqlite://" +
                                                             (dir_.path() / "i.db").string()),
            2),
        store_(db_) {
    switchboard::kernel::storage::migrate(db_, "kernel",
                                          switchboard::kernel::storage::kernelMigrations("sqlite"));
  }

  sbtest::TempDir dir_;
  switchboard::kernel::storage::Database db_;
  InboxStore store_;
};

TEST_F(InboxStoreTest, ASecondRowWithTheSameSourceAndKeyIsADuplicate) {
  EXPECT_EQ(store_.insertBatch({item("e1"), item("e2"), item("e1")}),
            (std::vector<bool>{true, true, false}));
  EXPECT_EQ(store_.insertBatch({item("e2")}), (std::vector<bool>{false}));
  // The same key from another source is another event.
  EXPECT_EQ(store_.insertBatch({item("e1", "other")}), (std::vector<bool>{true}));
  EXPECT_EQ(store_.list(std::nullopt, 10).size(), 3u);
}

TEST_F(InboxStoreTest, AClaimedRowIsNotClaimedAgainWhileItsLeaseHolds) {
  store_.insertBatch({item("e1")});
  const auto first = store_.claim("w1", 10, 2000, 5000);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].attempts, 1);
  EXPECT_TRUE(store_.claim("w2", 10, 4999, 9000).empty());
}

TEST_F(InboxStoreTest, AnExpiredLeaseIsClaimedAgainAndTheOldOwnerLosesIt) {
  store_.insertBatch({item("e1")});
  const auto first = store_.claim("w1", 10, 2000, 5000);
  ASSERT_EQ(first.size(), 1u);
  const auto second = store_.claim("w2", 10, 5001, 9000);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].item.id, first[0].item.id);
  EXPECT_EQ(second[0].attempts, 2);

  auto session = db_.session();
  {
    soci::transaction tx(*session);
    const std::vector<std::int64_t> ids = {first[0].item.id, first[0].item.id + 1000};
    EXPECT_TRUE(store_.holdLeases(*session, ids, "w1").empty());
    EXPECT_EQ(store_.holdLeases(*session, ids, "w2"), std::set<std::int64_t>{first[0].item.id});
    tx.rollback();
  }
  // The old owner's failure report does not touch the row the new owner holds.
  store_.markFailed(first[0].item.id, "w1", "late", 6000, 5002);
  EXPECT_EQ(store_.get(first[0].item.id)->state, "running");
}

TEST_F(InboxStoreTest, ReleasedLeasesAreClaimableAtOnce) {
  store_.insertBatch({item("e1")});
  ASSERT_EQ(store_.claim("w1", 10, 2000, 1'000'000).size(), 1u);
  EXPECT_EQ(store_.releaseLeases(), 1);
  EXPECT_EQ(store_.claim("w2", 10, 2001, 9000).size(), 1u);
}

TEST_F(InboxStoreTest, AFailedRowWaitsForItsRetryTimeThenGoesDeadWhenToldSo) {
  store_.insertBatch({item("e1")});
  auto claimed = store_.claim("w1", 10, 2000, 5000);
  store_.markFailed(claimed[0].item.id, "w1", "boom", 3000, 2001);
  EXPECT_TRUE(store_.claim("w1", 10, 2999, 9000).empty());
  claimed = store_.claim("w1", 10, 3000, 9000);
  ASSERT_EQ(claimed.size(), 1u);
  store_.markFailed(claimed[0].item.id, "w1", "boom again", std::nullopt, 3001);
  const auto dead = store_.get(claimed[0].item.id);
  EXPECT_EQ(dead->state, "dead");
  EXPECT_EQ(dead->last_error, "boom again");
  EXPECT_EQ(dead->attempts, 2);
  EXPECT_TRUE(store_.claim("w1", 10, 999'999, 1'000'000).empty());
  EXPECT_EQ(store_.replayDead(4000), 1);
  EXPECT_EQ(store_.claim("w1", 10, 4000, 9000).size(), 1u);
}

TEST_F(InboxStoreTest, ClaimTakesTheOldestDueRowsUpToTheLimit) {
  auto late = item("late");
  late.run_at_ms = 1500;
  store_.insertBatch({late, item("a"), item("b")});
  const auto claimed = store_.claim("w1", 2, 2000, 5000);
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_EQ(claimed[0].item.key, "a");
  EXPECT_EQ(claimed[1].item.key, "b");
}

// Upgrades of an inbox with rows in it. SQLite's inbox was rebuilt (0004) to write its CHECKs as
// plain comparisons, and its bodies moved to inbox_payloads (0005): an inbox from before 0004
// keeps its rows, their bodies and headers, ids and id sequence, and the constraints still hold.
TEST(InboxUpgrade, TheRebuiltTableKeepsRowsBodiesIdsAndSequenceAndItsChecks) {
  sbtest::TempDir dir;
  switchboard::kernel::storage::Database db(*switchboard::kernel::storage::StorageUrl::parse(
                                                "sqlite://" + (dir.path() / "u.db").string()),
                                            2);
  auto all = switchboard::kernel::storage::kernelMigrations("sqlite");
  std::vector<switchboard::Migration> before;
  for (const auto& m : all)
    if (m.name < "0004") before.push_back(m);
  ASSERT_LT(before.size(), all.size());
  switchboard::kernel::storage::migrate(db, "kernel", before);

  long long c_id = 0;
  {
    // Rows as that schema's store wrote them: the body in the row; "a" running.
    auto s = db.session();
    for (const std::string key : {"a", "b", "c"}) {
      const std::string body = "{\"key\": \"" + key + "\"}";  // bound: outlives the statement
      *s << "INSERT INTO inbox (kind, source, handler, type, dedupe_key, payload, headers, "
            "run_at_ms, received_at_ms) VALUES ('webhook', 'courier', 'webhook', 'parcel.sent', "
            ":k, :p, '[[\"x-sig\", \"v1\"]]', 1000, 1000)",
          soci::use(key), soci::use(body);
    }
    *s << "UPDATE inbox SET state = 'running', lease_owner = 'w1', lease_until_ms = 5000, "
          "run_at_ms = 5000, attempts = 1 WHERE dedupe_key = 'a'";
    *s << "SELECT id FROM inbox WHERE dedupe_key = 'c'", soci::into(c_id);
    *s << "DELETE FROM inbox WHERE dedupe_key = 'c'";  // the newest id is gone; not to be reused
  }

  switchboard::kernel::storage::migrate(db, "kernel", all);

  InboxStore store(db);
  const auto rows = store.list(std::nullopt, 10);
  ASSERT_EQ(rows.size(), 2u);
  const auto& a = rows[1];
  EXPECT_EQ(a.item.key, "a");
  EXPECT_EQ(a.state, "running");
  EXPECT_EQ(a.item.payload, R"({"key": "a"})");
  ASSERT_EQ(a.item.headers.size(), 1u);
  EXPECT_EQ(a.item.headers[0].name, "x-sig");
  EXPECT_EQ(a.item.headers[0].value, "v1");
  EXPECT_EQ(rows[0].item.payload, R"({"key": "b"})");
  EXPECT_EQ(store.insertBatch({item("b")}), std::vector<bool>{false});  // still unique
  store.insertBatch({item("d")});
  auto s = db.session();
  long long d_id = 0;
  *s << "SELECT id FROM inbox WHERE dedupe_key = 'd'", soci::into(d_id);
  EXPECT_GT(d_id, c_id);  // after c's id, not in its place
  EXPECT_THROW(*s << "UPDATE inbox SET state = 'lost' WHERE dedupe_key = 'd'", std::exception);
  EXPECT_THROW(*s << "UPDATE inbox SET kind = 'mail' WHERE dedupe_key = 'd'", std::exception);
}

}  // namespace
