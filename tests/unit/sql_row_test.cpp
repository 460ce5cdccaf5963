// sql::query reads rows as TextRows (text buffers bound once): what the mapping functions read
// from them, on a real SQLite file — integers, NULLs, text, whole aggregates — and the column
// count taken from a column list.
#include "storage/sql_row.h"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "support/temp_dir.h"

namespace {

namespace sql = switchboard::sql;

struct Item {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> size;
};

Item itemFrom(const sql::TextRow& r) {
  return {sql::int64At(r, 0), sql::textAt(r, 1), sql::optionalInt64At(r, 2)};
}

constexpr sql::Columns kItemColumns = sql::columns("id, name, size");
static_assert(kItemColumns.count == 3);
static_assert(sql::columns("id, (SELECT MAX(a, b) FROM t), COALESCE(x, 0)").count == 3);

class SqlRow : public ::testing::Test {
 protected:
  SqlRow() : db_(*soci::factory_sqlite3(), "db=" + (dir_.path() / "r.db").string()) {
    db_ << "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, size BIGINT)";
    db_ << "INSERT INTO items (id, name, size) VALUES (1, 'ann', 9007199254740993), "
           "(2, NULL, NULL), (3, 'jürgen', -4)";
  }
  sbtest::TempDir dir_;
  soci::session db_;
};

TEST_F(SqlRow, RowsMapWithTheirNullsAndFullWidthIntegers) {
  const auto items =
      sql::query<Item>(db_, std::string("SELECT ") + kItemColumns.text + " FROM items ORDER BY id",
                       kItemColumns.count, itemFrom);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].size, 9007199254740993LL);  // beyond a double's exact range
  EXPECT_EQ(items[1].name, "");
  EXPECT_EQ(items[1].size, std::nullopt);
  EXPECT_EQ(items[2].name, "jürgen");
  EXPECT_EQ(items[2].size, -4);
}

TEST_F(SqlRow, BindsUsesAndReadsNothingWhenNothingMatches) {
  const long long id = 3;
  const auto one = sql::first(sql::query<Item>(
      db_, std::string("SELECT ") + kItemColumns.text + " FROM items WHERE id = :id",
      kItemColumns.count, itemFrom, soci::use(id)));
  ASSERT_TRUE(one);
  EXPECT_EQ(one->name, "jürgen");
  const long long none = 7;
  EXPECT_FALSE(sql::first(sql::query<Item>(
      db_, std::string("SELECT ") + kItemColumns.text + " FROM items WHERE id = :id",
      kItemColumns.count, itemFrom, soci::use(none))));
}

TEST_F(SqlRow, WholeRealsReadAsIntegersAndOtherTextIsAnError) {
  auto read = [&](const std::string& expr) {
    return sql::query<std::int64_t>(db_, "SELECT " + expr, 1,
                                    [](const sql::TextRow& r) { return sql::int64At(r, 0); });
  };
  EXPECT_EQ(read("CAST(12 AS REAL)"), std::vector<std::int64_t>{12});
  EXPECT_EQ(read("SUM(size) FROM items WHERE id = 3"), std::vector<std::int64_t>{-4});
  EXPECT_THROW(read("2.5"), std::runtime_error);
  EXPECT_THROW(read("'twelve'"), std::runtime_error);
}

}  // namespace
