// The statements of one database connection, each text prepared once and kept: SQLite
// statement handles, PostgreSQL server-side prepared statements. What db::Session::run does
// (switchboard/db.h). A connection is used by one thread at a time (the pool leases it), so
// these are not locked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/db.h"

namespace soci {
class session;
}

namespace switchboard::kernel::storage {

// Across every connection of the process, for the metrics.
struct PreparedStatementStats {
  std::uint64_t prepared = 0;  // texts compiled (SQLite) or prepared on the server (PostgreSQL)
  std::uint64_t runs = 0;      // statements run
  std::int64_t kept = 0;       // held prepared now
};
PreparedStatementStats preparedStatementStats();

class PreparedStatements {
 public:
  // At most this many texts are kept per connection; later ones are prepared for each run.
  static constexpr std::size_t kMaxKept = 512;

  virtual ~PreparedStatements() = default;
  virtual db::Result run(std::string_view sql, const std::vector<db::Value>& params) = 0;
  // The same without keeping the statement: for a text made for one run (a multi-row INSERT
  // of this batch's size), which would only crowd out the kept ones.
  virtual db::Result runOnce(std::string_view sql, const std::vector<db::Value>& params) = 0;
  // The native connection these statements belong to (it changes when SOCI reconnects).
  virtual const void* connection() const = 0;
  virtual std::size_t kept() const = 0;

  // For the SOCI session's connection (SQLite or PostgreSQL).
  static std::unique_ptr<PreparedStatements> of(soci::session& s);
  // The native connection of `s`, as connection() names it.
  static const void* connectionOf(soci::session& s);
};

// A db::Session over one leased connection (the SOCI session the kernel's own SQL uses).
class PreparedSession final : public db::Session {
 public:
  PreparedSession(const std::string& backend, PreparedStatements& statements, soci::session& s)
      : backend_(backend), statements_(statements), soci_(s) {}
  const std::string& backend() const override { return backend_; }
  db::Result run(std::string_view sql, const std::vector<db::Value>& params) override {
    return statements_.run(sql, params);
  }
  db::Result runOnce(std::string_view sql, const std::vector<db::Value>& params) {
    return statements_.runOnce(sql, params);
  }
  soci::session& soci() { return soci_; }

 private:
  const std::string& backend_;
  PreparedStatements& statements_;
  soci::session& soci_;
};

// The SOCI session under a session the kernel made (a plugin hands back its `tx`); throws
// std::logic_error for any other.
soci::session& sociOf(db::Session& session);

}  // namespace switchboard::kernel::storage
