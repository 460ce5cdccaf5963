// SQL the same way on SQLite and PostgreSQL. Reading SOCI rows: the two describe integer columns
// and aggregates with different types, and row.get<T> insists on the described one.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>

namespace switchboard::sql {

// NULL reads as 0.
std::int64_t int64At(const soci::row& row, std::size_t i);
std::optional<std::int64_t> optionalInt64At(const soci::row& row, std::size_t i);
// NULL reads as "".
std::string textAt(const soci::row& row, std::size_t i);

// Appended to a SELECT that reads a row the transaction will update from what it read: locks
// it on PostgreSQL (two read-then-update transactions would otherwise both act on the old
// state); SQLite has one writer at a time, and a second writer's upgrade fails and retries.
inline const char* forUpdate(soci::session& tx) {
  return tx.get_backend_name() == "postgresql" ? " FOR UPDATE" : "";
}

}  // namespace switchboard::sql
