// The kernel's own SQL through SOCI (the inbox store): rows read as text the same way on SQLite
// and PostgreSQL, which describe integer columns and aggregates with different types.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard::sql {

// NULL reads as 0.
std::int64_t int64At(const soci::row& row, std::size_t i);
std::optional<std::int64_t> optionalInt64At(const soci::row& row, std::size_t i);
// NULL reads as "".
std::string textAt(const soci::row& row, std::size_t i);

// A SELECT's (or RETURNING's) column list and how many columns it names, counted once at
// compile time: TextRow needs the count before the statement runs.
struct Columns {
  const char* text;
  std::size_t count;
};
constexpr Columns columns(const char* text) {
  std::size_t count = 1;
  int depth = 0;  // commas inside a scalar subquery or a function's arguments do not count
  for (const char* p = text; *p; ++p) {
    if (*p == '(') ++depth;
    if (*p == ')') --depth;
    if (*p == ',' && depth == 0) ++count;
  }
  return {text, count};
}

// A row read as text, column by column, into buffers bound once per statement: what SOCI 4.0's
// SQLite backend holds anyway and what PostgreSQL sends. soci::row instead describes every
// column (name, type, a map entry) on every execution, which cost more than the read itself
// for a wide row on the hot path. The accessors below read it the way they read a soci::row.
class TextRow {
 public:
  explicit TextRow(std::size_t columns) : values_(columns), nulls_(columns, soci::i_ok) {}
  TextRow(const TextRow&) = delete;  // bound by address
  TextRow& operator=(const TextRow&) = delete;

  // Binds every column to `prep` (from `session.prepare << sql`), in order.
  void bindTo(soci::details::prepare_temp_type& prep) {
    for (std::size_t i = 0; i < values_.size(); ++i) prep, soci::into(values_[i], nulls_[i]);
  }
  bool isNull(std::size_t i) const { return nulls_.at(i) == soci::i_null; }
  const std::string& text(std::size_t i) const { return values_.at(i); }

 private:
  std::vector<std::string> values_;
  std::vector<soci::indicator> nulls_;
};

std::int64_t int64At(const TextRow& row, std::size_t i);
std::optional<std::int64_t> optionalInt64At(const TextRow& row, std::size_t i);
std::string textAt(const TextRow& row, std::size_t i);

// Rows of `sql`, which selects `columns` columns (bound with `uses`), read as a TextRow and
// mapped by `from`.
template <class T, class From, class... Uses>
std::vector<T> query(soci::session& db, const std::string& sql, std::size_t columns, From from,
                     Uses&&... uses) {
  std::vector<T> out;
  TextRow row(columns);
  soci::details::prepare_temp_type prep = (db.prepare << sql);
  row.bindTo(prep);
  if constexpr (sizeof...(Uses) > 0) (prep, ..., std::forward<Uses>(uses));
  soci::statement st(prep);
  st.execute(false);
  while (st.fetch()) out.push_back(from(std::as_const(row)));
  return out;
}

template <class T>
std::optional<T> first(std::vector<T> v) {
  if (v.empty()) return std::nullopt;
  return std::move(v.front());
}

// Appended to a SELECT that reads a row the transaction will update from what it read: locks
// it on PostgreSQL (two read-then-update transactions would otherwise both act on the old
// state); SQLite has one writer at a time, and a second writer's upgrade fails and retries.
inline const char* forUpdate(soci::session& tx) {
  return tx.get_backend_name() == "postgresql" ? " FOR UPDATE" : "";
}

}  // namespace switchboard::sql
