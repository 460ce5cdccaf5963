// The SDK's database API (switchboard/db.h) on the kernel's pool, on SQLite and on a real
// PostgreSQL: values bound by value, statements prepared once per connection and kept through
// a schema change and a reconnect, one way to read rows, write transactions that commit or
// roll back, and read-then-update transactions that never lose an update.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <thread>

#include "storage/database.h"
#include "support/eventually.h"
#include "support/postgres_server.h"
#include "support/temp_dir.h"
#include "switchboard/db.h"

namespace {

namespace db = switchboard::db;
using switchboard::kernel::storage::Database;
using switchboard::kernel::storage::StorageUrl;

class DatabaseApi : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url_ = GetParam() == "postgresql" ? sbtest::PostgresServer::shared().createDatabase()
                                      : "sqlite://" + (dir_.path() / "api.db").string();
    database_ = std::make_unique<Database>(*StorageUrl::parse(url_), 2);
    database_->write([](db::Session& tx) {
      tx.execute(
          "CREATE TABLE things (id BIGINT PRIMARY KEY, name TEXT, amount BIGINT, ratio DOUBLE "
          "PRECISION, at_ms BIGINT)");
    });
  }

  db::Database& api() { return *database_; }

  sbtest::TempDir dir_;
  std::string url_;
  std::unique_ptr<Database> database_;
};

TEST_P(DatabaseApi, ValuesAreBoundByValueFromTemporariesAndReadBackTyped) {
  const auto at = switchboard::TimePoint(std::chrono::milliseconds(1764233700123));
  api().write([&](db::Session& tx) {
    // Each parameter a temporary that dies before the statement runs inside run().
    EXPECT_EQ(tx.execute("INSERT INTO things (id, name, amount, ratio, at_ms) VALUES ($1, $2, $3, "
                         "$4, $5)",
                         1, std::string("Ha") + std::string(5000, 'a') + "rschnitt",
                         std::optional<std::int64_t>(), 0.25, at),
              1);
    tx.execute("INSERT INTO things (id, name, amount) VALUES ($1, $2, $3)", 2,
               std::string_view("Färben"), std::int64_t{-9000000000});
  });
  const auto rows = api().read([](db::Session& s) {
    return s.query(
        "SELECT id, name, amount, ratio, at_ms FROM things "
        "ORDER BY id");
  });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].get<std::int64_t>(0), 1);
  EXPECT_EQ(rows[0].get<std::string>(1).size(), 5010u);
  EXPECT_FALSE(rows[0].get<std::optional<std::int64_t>>(2));
  EXPECT_THROW(rows[0].get<std::int64_t>(2), db::Error);  // NULL as a plain integer
  EXPECT_DOUBLE_EQ(rows[0].get<double>(3), 0.25);
  EXPECT_EQ(rows[0].get<switchboard::TimePoint>(4), at);
  EXPECT_EQ(rows[1].get<std::string>(1), "Färben");
  EXPECT_EQ(rows[1].get<std::int64_t>(2), -9000000000);
  EXPECT_THROW(rows[1].get<int>(2), db::Error);  // too large for an int
  EXPECT_FALSE(rows[1].get<std::optional<switchboard::TimePoint>>(4));
  EXPECT_THROW(rows[1].get<std::string>(9), db::Error);
}

TEST_P(DatabaseApi, AnAggregateReadsTheSameOnBothBackends) {
  api().write([](db::Session& tx) {
    for (int i = 1; i <= 3; ++i)
      tx.execute("INSERT INTO things (id, amount) VALUES ($1, $2)", i, i * 10);
  });
  const auto row = api().read([](db::Session& s) {
    return *s.one("SELECT COUNT(*), SUM(amount), MAX(name) FROM things WHERE id > $1", 0);
  });
  EXPECT_EQ(row.get<std::int64_t>(0), 3);
  EXPECT_EQ(row.get<int>(1), 60);
  EXPECT_EQ(row.get<std::string>(0), "3");
  EXPECT_FALSE(row.get<std::optional<std::string>>(2));
  EXPECT_FALSE(api().read([](db::Session& s) {
    return s.one(
        "SELECT id FROM things WHERE id = "
        "$1",
        99);
  }));
}

TEST_P(DatabaseApi, ParametersAreNumberedWhateverTheirOrderInTheText) {
  api().write([](db::Session& tx) {
    tx.execute("INSERT INTO things (name, id) VALUES ($2, $1)", 7, "seven");
  });
  EXPECT_EQ(api().read([](db::Session& s) {
    return s.one("SELECT name FROM things WHERE id = $1 AND $2 = $2", 7, "x")->get<std::string>(0);
  }),
            "seven");
  // A statement given the wrong number of values, or two statements, is refused by name.
  api().read([](db::Session& s) {
    EXPECT_THROW(s.query("SELECT name FROM things WHERE id = $1"), db::Error);
    EXPECT_THROW(s.query("SELECT 1; SELECT 2"), db::Error);
    try {
      s.query("SELECT nothing FROM nowhere WHERE id = $1", 1);
      ADD_FAILURE() << "no error";
    } catch (const db::Error& e) {
      EXPECT_NE(std::string(e.what()).find("nowhere"), std::string::npos) << e.what();
    }
  });
}

TEST_P(DatabaseApi, AStatementIsPreparedOncePerConnectionAndReused) {
  const auto before = database_->preparedStatements();
  for (int i = 0; i < 500; ++i)
    api().write([i](db::Session& tx) {
      tx.execute("INSERT INTO things (id, amount) VALUES ($1, $2)", i, i);
    });
  // BEGIN, the INSERT, COMMIT: three texts on at most two connections, however many runs.
  EXPECT_LE(database_->preparedStatements() - before, 6u);
  EXPECT_EQ(api().read([](db::Session& s) {
    return s.one("SELECT SUM(amount) FROM things")->get<std::int64_t>(0);
  }),
            499 * 500 / 2);
}

TEST_P(DatabaseApi, AKeptStatementFollowsASchemaChange) {
  api().write([](db::Session& tx) { tx.execute("INSERT INTO things (id) VALUES (1)"); });
  auto columns = [&] {
    return api().read([](db::Session& s) { return s.query("SELECT * FROM things"); })[0].size();
  };
  EXPECT_EQ(columns(), 5u);
  api().write([](db::Session& tx) { tx.execute("ALTER TABLE things ADD COLUMN note TEXT"); });
  // Every connection of the pool kept the old statement: each follows the new table.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(columns(), 6u);
}

TEST_P(DatabaseApi, AWriteCommitsWhenItReturnsAndRollsBackWhenItThrows) {
  EXPECT_THROW(api().write([](db::Session& tx) {
    tx.execute("INSERT INTO things (id) VALUES (1)");
    throw std::runtime_error("changed my mind");
  }),
               std::runtime_error);
  EXPECT_THROW(api().write([](db::Session& tx) {
    tx.execute("INSERT INTO things (id) VALUES (2)");
    tx.execute("INSERT INTO things (id) VALUES (2)");  // the key again: the statement fails
  }),
               db::Error);
  const int kept = api().write([](db::Session& tx) {
    tx.execute("INSERT INTO things (id) VALUES (3)");
    return 3;
  });
  EXPECT_EQ(kept, 3);
  const auto rows = api().read([](db::Session& s) { return s.query("SELECT id FROM things"); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].get<int>(0), 3);
}

TEST_P(DatabaseApi, ReadThenUpdateTransactionsAtOnceLoseNoUpdate) {
  api().write([](db::Session& tx) { tx.execute("INSERT INTO things (id, amount) VALUES (1, 0)"); });
  auto add = [&] {
    for (int i = 0; i < 50; ++i)
      api().write([](db::Session& tx) {
        const auto n =
            tx.one(std::string("SELECT amount FROM things WHERE id = 1") + tx.forUpdate())
                ->get<std::int64_t>(0);
        tx.execute("UPDATE things SET amount = $1 WHERE id = 1", n + 1);
      });
  };
  std::thread other(add);
  add();
  other.join();
  EXPECT_EQ(api().read([](db::Session& s) {
    return s.one("SELECT amount FROM things WHERE id = 1")->get<int>(0);
  }),
            100);
}

TEST_P(DatabaseApi, AHandlersSociTransactionIsTheSessionsTransaction) {
  auto s = database_->session();
  {
    soci::transaction t(*s);
    auto tx = database_->over(*s);
    tx->execute("INSERT INTO things (id) VALUES ($1)", 5);
    EXPECT_EQ(tx->one("SELECT COUNT(*) FROM things")->get<int>(0), 1);
    t.rollback();
  }
  EXPECT_EQ(database_->over(*s)->one("SELECT COUNT(*) FROM things")->get<int>(0), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseApi, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// PostgreSQL drops a connection (restart, failover, an idle kill) between two runs of a kept
// statement: the next lease opens it again and the statement is prepared there anew.
TEST(DatabaseApiOnPostgres, AKeptStatementIsPreparedAgainAfterAReconnect) {
  const auto url = sbtest::PostgresServer::shared().createDatabase();
  Database database(*StorageUrl::parse(url), 1);
  db::Database& api = database;
  const auto pid = [&] {
    return api.read([](db::Session& s) {
      return s.one("SELECT pg_backend_pid() + $1", 0)->get<std::int64_t>(0);
    });
  };
  const auto first = pid();
  EXPECT_EQ(pid(), first);  // the same connection, the kept statement
  Database other(*StorageUrl::parse(url), 1);
  static_cast<db::Database&>(other).read([&](db::Session& s) {
    EXPECT_TRUE(s.one("SELECT pg_terminate_backend($1)", first)->get<bool>(0));
  });
  std::int64_t second = 0;
  EXPECT_TRUE(sbtest::eventually([&] {
    try {
      second = pid();
    } catch (const db::Error&) {
      return false;  // the drop seen by the statement itself, before the lease: it reopens next
    }
    return second != first;
  }));
  EXPECT_NE(second, 0);
  EXPECT_NE(second, first);
  EXPECT_EQ(pid(), second);
}

}  // namespace
