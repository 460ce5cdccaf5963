// The migration runner on a real SQLite file: name order, per-owner tracking, idempotence,
// checksum refusal, and a failing file rolled back whole.
#include "storage/migrations.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "storage/database.h"
#include "support/temp_dir.h"

namespace {

using switchboard::kernel::storage::Database;
using switchboard::kernel::storage::migrate;
using switchboard::kernel::storage::MigrationError;
using switchboard::kernel::storage::StorageUrl;

class Migrations : public ::testing::Test {
 protected:
  Migrations() : db_(*StorageUrl::parse("sqlite://" + (dir_.path() / "m.db").string()), 2) {}

  std::vector<std::string> column(const std::string& query) {
    auto s = db_.session();
    std::vector<std::string> out;
    soci::rowset<std::string> rows = (s->prepare << query);
    for (const auto& v : rows) out.push_back(v);
    return out;
  }

  sbtest::TempDir dir_;
  Database db_;
};

TEST_F(Migrations, AppliesInNameOrderWhateverTheOrderGiven) {
  // 0002 needs 0001's table; given out of order, it still runs second.
  const auto applied =
      migrate(db_, "plugin-a",
              {{"0002_fill", "INSERT INTO t (v) VALUES ('second')"},
               {"0001_create", "CREATE TABLE t (v TEXT); INSERT INTO t (v) VALUES ('first')"}});
  EXPECT_EQ(applied, (std::vector<std::string>{"0001_create", "0002_fill"}));
  EXPECT_EQ(column("SELECT v FROM t ORDER BY rowid"),
            (std::vector<std::string>{"first", "second"}));
}

TEST_F(Migrations, AppliedFilesAreSkippedAndNewOnesRun) {
  migrate(db_, "a", {{"0001", "CREATE TABLE t (v TEXT)"}});
  const auto again = migrate(
      db_, "a", {{"0001", "CREATE TABLE t (v TEXT)"}, {"0002", "INSERT INTO t (v) VALUES ('x')"}});
  EXPECT_EQ(again, (std::vector<std::string>{"0002"}));
  EXPECT_TRUE(
      migrate(db_, "a",
              {{"0001", "CREATE TABLE t (v TEXT)"}, {"0002", "INSERT INTO t (v) VALUES ('x')"}})
          .empty());
  EXPECT_EQ(column("SELECT v FROM t"), (std::vector<std::string>{"x"}));
}

TEST_F(Migrations, OwnersAreTrackedSeparately) {
  migrate(db_, "a", {{"0001", "CREATE TABLE ta (v TEXT)"}});
  EXPECT_EQ(migrate(db_, "b", {{"0001", "CREATE TABLE tb (v TEXT)"}}),
            (std::vector<std::string>{"0001"}));
  EXPECT_EQ(column("SELECT owner || '/' || name FROM schema_migrations ORDER BY owner"),
            (std::vector<std::string>{"a/0001", "b/0001"}));
}

TEST_F(Migrations, AChangedAppliedFileIsRefused) {
  migrate(db_, "a", {{"0001", "CREATE TABLE t (v TEXT)"}});
  try {
    migrate(db_, "a",
            {{"0001", "CREATE TABLE t (v TEXT, w TEXT)"}, {"0002", "CREATE TABLE u (v TEXT)"}});
    FAIL() << "expected a checksum refusal";
  } catch (const MigrationError& e) {
    EXPECT_NE(std::string(e.what()).find("a/0001 was changed after it was applied"),
              std::string::npos)
        << e.what();
  }
  // Nothing after the refused file ran.
  EXPECT_TRUE(column("SELECT name FROM sqlite_master WHERE name = 'u'").empty());
}

TEST_F(Migrations, AFailingFileIsRolledBackWhole) {
  EXPECT_THROW(
      migrate(db_, "a", {{"0001", "CREATE TABLE t (v TEXT); INSERT INTO nowhere VALUES (1)"}}),
      MigrationError);
  EXPECT_TRUE(column("SELECT name FROM sqlite_master WHERE name = 't'").empty());
  EXPECT_TRUE(column("SELECT name FROM schema_migrations").empty());
}

TEST(SplitStatements, SplitsAtSemicolonsOutsideQuotesAndComments) {
  const auto parts = switchboard::kernel::storage::splitStatements(
      "CREATE TABLE t (v TEXT); -- a comment; with a semicolon\n"
      "INSERT INTO t VALUES ('a;b');\n  \n");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_NE(parts[1].find("'a;b'"), std::string::npos);
}

}  // namespace
