// The database as plugins see it: database() (switchboard/db.h), on SQLite or PostgreSQL, and
// the migrations a plugin ships for its own tables.
#pragma once

#include <boost/config.hpp>
#include <string>
#include <vector>

namespace switchboard::db {
class Database;
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
  // Transactions and statements (switchboard/db.h).
  virtual db::Database& database() = 0;
};

}  // namespace switchboard
