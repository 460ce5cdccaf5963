// What every feature's store needs to keep tenants apart and values portable between SQLite and
// PostgreSQL: time as UTC milliseconds, nullable binds, row mapping, and the company checks
// (every tenant-owned query names its company; an UPDATE that touched no row of that company
// is NotFound, never a silent cross-tenant write).
#pragma once

#include <soci/soci.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/clock.h"
#include "switchboard/domain/repositories.h"
#include "switchboard/sql_row.h"

namespace switchboard::sql {

using ll = long long;  // what SOCI binds as a 64-bit integer
inline ll toMs(switchboard::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline switchboard::TimePoint fromMs(std::int64_t ms) {
  return switchboard::TimePoint(std::chrono::milliseconds(ms));
}
template <class Row>  // soci::row or TextRow
std::optional<switchboard::TimePoint> optionalTimeAt(const Row& row, std::size_t i) {
  if (auto ms = optionalInt64At(row, i)) return fromMs(*ms);
  return std::nullopt;
}

// A nullable bound value: keeps the value and its indicator alive for soci::use.
struct Nullable {
  ll value = 0;
  soci::indicator ind = soci::i_null;
  explicit Nullable(const std::optional<std::int64_t>& v) {
    if (v) value = *v, ind = soci::i_ok;
  }
  explicit Nullable(const std::optional<switchboard::TimePoint>& t) {
    if (t) value = toMs(*t), ind = soci::i_ok;
  }
};
struct NullableText {
  std::string value;
  soci::indicator ind = soci::i_null;
  explicit NullableText(const std::string& v)
      : value(v), ind(v.empty() ? soci::i_null : soci::i_ok) {}
};

inline void requireCompany(const std::string& company) {
  if (company.empty()) throw std::invalid_argument("a company is required");
}

// `affected` rows from an UPDATE scoped to the company: none means the id is not theirs.
inline void requireUpdated(soci::statement& st, const char* what, std::int64_t id,
                           const std::string& c) {
  if (st.get_affected_rows() != 1)
    throw switchboard::domain::NotFound(std::string(what) + " " + std::to_string(id) +
                                        " does not exist for company " + c);
}

}  // namespace switchboard::sql
