// The database as plugins see it: database() (switchboard/db.h), on SQLite or PostgreSQL.
// session() and the soci::session& that handlers are given are SOCI's, on their way out: a
// handler reaches its transaction through over(tx) until its signature names db::Session.
#pragma once

#include <boost/config.hpp>
#include <memory>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace switchboard::db {
class Database;
class Session;
}  // namespace switchboard::db

namespace switchboard {

// A schema change a plugin ships; applied once, in order, each in its own transaction, and
// tracked per plugin. Never edit one that was applied: add another.
struct Migration {
  std::string name;  // sorts in apply order, e.g. "0001_calls"
  std::string sql;   // may hold several statements separated by ';'
};

class BOOST_SYMBOL_VISIBLE Store {
 public:
  virtual ~Store();
  virtual const std::string& backend() const = 0;  // "sqlite" or "postgresql"
  // A session leased from the pool; it goes back when the pointer is destroyed.
  virtual std::unique_ptr<soci::session> session() = 0;
  // Transactions and statements (switchboard/db.h).
  virtual db::Database& database() = 0;
  // The statements of `tx`'s connection as a db::Session (in its transaction, if any); valid
  // while `tx` is.
  virtual std::unique_ptr<db::Session> over(soci::session& tx) = 0;
};

}  // namespace switchboard
