// What every feature's store needs to keep tenants apart and values portable between SQLite and
// PostgreSQL, on the database API (switchboard/db.h): time as UTC milliseconds, empty texts
// stored as NULL where a column is optional, rows mapped to domain types, and the company checks
// (every tenant-owned query names its company; an UPDATE that touched no row of that company
// is NotFound, never a silent cross-tenant write).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/clock.h"
#include "switchboard/db.h"
#include "switchboard/domain/repositories.h"

namespace switchboard::sql {

inline std::int64_t toMs(switchboard::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline switchboard::TimePoint fromMs(std::int64_t ms) {
  return switchboard::TimePoint(std::chrono::milliseconds(ms));
}

// An optional text column: "" is stored as NULL.
inline std::optional<std::string> nullIfEmpty(const std::string& v) {
  if (v.empty()) return std::nullopt;
  return v;
}

// A column that may be NULL, read as its type's empty value ("", 0).
inline std::string textAt(const db::Row& row, std::size_t i) {
  return row.get<std::optional<std::string>>(i).value_or("");
}
inline std::int64_t int64At(const db::Row& row, std::size_t i) {
  return row.get<std::optional<std::int64_t>>(i).value_or(0);
}

// Rows of `sql` mapped by `from` (a function of const db::Row&).
template <class T, class From, class... P>
std::vector<T> query(db::Session& s, std::string_view sql, From from, P&&... params) {
  std::vector<T> out;
  for (const auto& row : s.query(sql, std::forward<P>(params)...)) out.push_back(from(row));
  return out;
}

template <class T>
std::optional<T> first(std::vector<T> v) {
  if (v.empty()) return std::nullopt;
  return std::move(v.front());
}

inline void requireCompany(const std::string& company) {
  if (company.empty()) throw std::invalid_argument("a company is required");
}

// `affected` rows from an UPDATE scoped to the company: none means the id is not theirs.
inline void requireUpdated(std::int64_t affected, const char* what, std::int64_t id,
                           const std::string& c) {
  if (affected != 1)
    throw switchboard::domain::NotFound(std::string(what) + " " + std::to_string(id) +
                                        " does not exist for company " + c);
}

}  // namespace switchboard::sql
