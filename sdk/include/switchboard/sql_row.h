// Reading SOCI rows the same way on SQLite and PostgreSQL: the two describe integer columns
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

}  // namespace switchboard::sql
