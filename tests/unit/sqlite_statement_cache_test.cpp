// The process-wide SQLite statement cache (kernel/storage/sqlite_statement_cache.cpp) under
// SOCI on a real file: reused statements give what fresh ones would, and what must not be
// cached is not.
#include "storage/sqlite_statement_cache.h"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>  // SQLite's API, in namespace sqlite_api

#include "support/temp_dir.h"

namespace {

using switchboard::kernel::storage::sqliteStatementCacheStats;

class SqliteStatementCache : public ::testing::Test {
 protected:
  SqliteStatementCache() : sql_(*soci::factory_sqlite3(), "db=" + (dir_.path() / "c.db").string()) {
    sql_ << "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)";
  }
  std::string nameOf(long long id) {
    std::string name;
    soci::indicator ind = soci::i_ok;
    sql_ << "SELECT name FROM t WHERE id = :id", soci::use(id), soci::into(name, ind);
    return ind == soci::i_null ? "(null)" : name;
  }

  sbtest::TempDir dir_;
  soci::session sql_;
};

TEST_F(SqliteStatementCache, TheSameTextIsPreparedOnceAndGivesFreshAnswers) {
  sql_ << "INSERT INTO t (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, NULL)";
  EXPECT_EQ(nameOf(1), "ann");
  const auto before = sqliteStatementCacheStats();
  EXPECT_EQ(nameOf(2), "bob");     // the cached statement, new binding
  EXPECT_EQ(nameOf(3), "(null)");  // and its NULL
  const auto after = sqliteStatementCacheStats();
  EXPECT_EQ(after.hits - before.hits, 2u);
  EXPECT_EQ(after.misses, before.misses);
}

TEST_F(SqliteStatementCache, AReusedStatementHasNoBindingLeftFromItsLastUse) {
  // SQLite keeps a statement's bindings across reset; a fresh statement has NULLs.
  sql_ << "INSERT INTO t (id, name) VALUES (1, 'ann')";
  std::string name = "x";
  for (int i = 0; i < 2; ++i) {
    const std::string bound = "bound";  // named: SOCI runs the statement after temporaries die
    sql_ << "SELECT ?1", soci::use(bound), soci::into(name);
    EXPECT_EQ(name, "bound");
  }
  // The same text with nothing bound this time: SOCI always binds all, so at the C level.
  using namespace sqlite_api;
  sqlite3* db = static_cast<soci::sqlite3_session_backend*>(sql_.get_backend())->conn_;
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT ?1", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_type(stmt, 0), SQLITE_NULL);
  EXPECT_EQ(sqlite3_finalize(stmt), SQLITE_OK);
}

TEST_F(SqliteStatementCache, AStatementSeesTheSchemaAsItIsNow) {
  sql_ << "INSERT INTO t (id, name) VALUES (1, 'ann')";
  auto columns = [&](const std::string& text) {
    soci::rowset<soci::row> rows = (sql_.prepare << text);
    return rows.begin()->size();
  };
  EXPECT_EQ(columns("SELECT * FROM t"), 2u);
  EXPECT_EQ(columns("SELECT id, name FROM t"), 2u);
  // A statement compiled before a schema change of its connection recompiles only when it
  // runs, but SOCI reads its columns before that: a `*` list is never cached.
  sql_ << "ALTER TABLE t ADD COLUMN email TEXT";
  sql_ << "UPDATE t SET name = 'anna'";
  EXPECT_EQ(columns("SELECT * FROM t"), 3u);
  EXPECT_EQ(columns("SELECT id, name FROM t"), 2u);
  EXPECT_EQ(nameOf(1), "anna");
}

TEST_F(SqliteStatementCache, ATextInUseIsPreparedAgainForItsSecondUser) {
  sql_ << "INSERT INTO t (id, name) VALUES (1, 'ann'), (2, 'bob')";
  const std::string text = "SELECT id FROM t ORDER BY id";
  soci::rowset<long long> outer = (sql_.prepare << text);
  std::vector<std::pair<long long, long long>> pairs;
  for (long long a : outer) {
    soci::rowset<long long> inner = (sql_.prepare << text);  // the same text, still running
    for (long long b : inner) pairs.emplace_back(a, b);
  }
  EXPECT_EQ(pairs, (std::vector<std::pair<long long, long long>>{{1, 1}, {1, 2}, {2, 1}, {2, 2}}));
}

TEST_F(SqliteStatementCache, APragmaActsEachTimeItRuns) {
  // A PRAGMA does its work when it compiles: each run must compile it again.
  int level = -1;
  for (const char* set : {"PRAGMA synchronous = OFF", "PRAGMA synchronous = FULL",
                          "PRAGMA synchronous = OFF", "PRAGMA synchronous = FULL"}) {
    sql_ << set;
    sql_ << "PRAGMA synchronous", soci::into(level);
    EXPECT_EQ(level, std::string(set).back() == 'F' ? 0 : 2) << set;
  }
}

TEST_F(SqliteStatementCache, ClosingAConnectionReleasesItsStatements) {
  const auto before = sqliteStatementCacheStats();
  {
    soci::session other(*soci::factory_sqlite3(), "db=" + (dir_.path() / "c.db").string());
    long long n = 0;
    other << "SELECT COUNT(*) FROM t", soci::into(n);
    other << "SELECT COUNT(*) FROM t WHERE id > 0", soci::into(n);
    EXPECT_EQ(sqliteStatementCacheStats().cached, before.cached + 2);
  }
  EXPECT_EQ(sqliteStatementCacheStats().cached, before.cached);
}

TEST_F(SqliteStatementCache, AFailedStatementReportsItsErrorAndWorksAgainAfter) {
  sql_ << "CREATE UNIQUE INDEX t_name ON t (name)";
  const std::string insert = "INSERT INTO t (name) VALUES (:n)";
  const std::string ann = "ann", bob = "bob";  // named: SOCI runs after temporaries die
  sql_ << insert, soci::use(ann);
  EXPECT_THROW((sql_ << insert, soci::use(ann)), soci::soci_error);
  sql_ << insert, soci::use(bob);  // the same, reused after its failure
  long long n = 0;
  sql_ << "SELECT COUNT(*) FROM t", soci::into(n);
  EXPECT_EQ(n, 2);
}

}  // namespace
