// The database as plugins see it: pooled SOCI sessions on SQLite or PostgreSQL.
#pragma once

#include <boost/config.hpp>
#include <memory>
#include <string>
#include <vector>

namespace soci {
class session;
}

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
};

}  // namespace switchboard
