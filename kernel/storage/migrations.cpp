#include "storage/migrations.h"

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "switchboard/crypto.h"

namespace switchboard::kernel::storage {

std::vector<std::string> splitStatements(const std::string& sql) {
  std::vector<std::string> out;
  std::string current;
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (!quote && c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
      current += '\n';
      continue;
    }
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == ';') {
      if (current.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  if (current.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(current);
  return out;
}

std::vector<std::string> migrate(Database& store, const std::string& owner,
                                 std::vector<switchboard::Migration> migrations) {
  std::sort(migrations.begin(), migrations.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  auto session = store.session();
  soci::session& sql = *session;
  // Several processes may start at once on one PostgreSQL: one migrates, the others wait.
  const bool postgres = store.backend() == "postgresql";
  if (postgres) sql << "SELECT pg_advisory_lock(74260001)";
  struct Unlock {
    soci::session& sql;
    bool active;
    ~Unlock() {
      if (active) sql << "SELECT pg_advisory_unlock(74260001)";
    }
  } unlock{sql, postgres};
  sql << "CREATE TABLE IF NOT EXISTS schema_migrations ("
         " owner TEXT NOT NULL, name TEXT NOT NULL, checksum TEXT NOT NULL,"
         " applied_at_ms BIGINT NOT NULL, PRIMARY KEY (owner, name))";

  std::map<std::string, std::string> applied;
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT name, checksum FROM schema_migrations WHERE owner = :o",
         soci::use(owner));
    for (const auto& row : rows) applied[row.get<std::string>(0)] = row.get<std::string>(1);
  }

  std::vector<std::string> done;
  for (const auto& m : migrations) {
    const std::string checksum = switchboard::crypto::sha256Hex(m.sql);
    if (auto it = applied.find(m.name); it != applied.end()) {
      if (it->second != checksum)
        throw MigrationError("migration " + owner + "/" + m.name +
                             " was changed after it was applied (checksum " + it->second +
                             " in the database, " + checksum +
                             " now); add a new migration instead of editing an applied one");
      continue;
    }
    try {
      soci::transaction tx(sql);
      for (const auto& statement : splitStatements(m.sql)) sql << statement;
      const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
      sql << "INSERT INTO schema_migrations (owner, name, checksum, applied_at_ms) "
             "VALUES (:o, :n, :c, :t)",
          soci::use(owner), soci::use(m.name), soci::use(checksum), soci::use(now);
      tx.commit();
    } catch (const std::exception& e) {
      throw MigrationError("migration " + owner + "/" + m.name + " failed: " + e.what());
    }
    done.push_back(m.name);
  }
  return done;
}

}  // namespace switchboard::kernel::storage
