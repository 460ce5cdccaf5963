// The database as plugins see it, the same on SQLite and PostgreSQL:
//
//   host.database().write([&](db::Session& tx) {          // one transaction
//     const auto rows = tx.query("SELECT id, name FROM things WHERE company_id = $1", company);
//     for (const auto& row : rows) use(row.get<std::int64_t>(0), row.get<std::string>(1));
//     tx.execute("UPDATE things SET seen_at_ms = $1 WHERE company_id = $2", now_ms, company);
//   });
//
// - Parameters are `$1`, `$2`, ... in the text on both backends, and bound by value: a
//   temporary passed as a parameter is copied before the call returns (no lifetime traps).
// - Each statement text is prepared once per connection and kept (SQLite statement handles,
//   PostgreSQL server-side prepared statements, prepared again after a reconnect).
// - A row is read one way: row.get<T>(column) with T one of std::int64_t, int, double, bool,
//   std::string, TimePoint (stored as UTC milliseconds) or std::optional of one of them. A
//   NULL read as a plain T throws; an integer column reads the same from either backend.
// - write() is an explicit write transaction (SQLite BEGIN IMMEDIATE: the write lock is taken
//   first, so two writers never both read then fail to upgrade); read() runs statements each
//   on its own. Never call an upstream inside write(): see switchboard/inbox.h.
#pragma once

#include <boost/config.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "switchboard/clock.h"

namespace switchboard::db {

// A statement failed: the database's message, with the statement's first words.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A parameter's value, owned: NULL, an integer, a real or a text.
class Value {
 public:
  using Data = std::variant<std::monostate, std::int64_t, double, std::string>;

  Value() = default;  // NULL
  Value(std::nullopt_t) {}
  Value(std::nullptr_t) {}
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool> &&
                                          !std::is_same_v<I, char>,
                                      int> = 0>
  Value(I v) : data_(static_cast<std::int64_t>(v)) {}
  Value(bool v) : data_(std::int64_t{v ? 1 : 0}) {}
  Value(double v) : data_(v) {}
  Value(std::string v) : data_(std::move(v)) {}
  Value(std::string_view v) : data_(std::string(v)) {}
  Value(const char* v) : data_(std::string(v)) {}
  // UTC milliseconds since the epoch.
  Value(TimePoint t)
      : data_(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count()) {
  }
  template <class T>
  Value(const std::optional<T>& v) {
    if (v) *this = Value(*v);
  }

  const Data& data() const { return data_; }
  bool isNull() const { return std::holds_alternative<std::monostate>(data_); }

 private:
  Data data_;
};

// One row of a result, its values owned (it outlives the statement that read it).
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}

  std::size_t size() const { return values_.size(); }
  bool isNull(std::size_t column) const { return at(column).isNull(); }
  // The column as T (see the header's comment); throws db::Error for a NULL read as a plain T,
  // a text that is not a number read as one, or a column past the row's end.
  template <class T>
  T get(std::size_t column) const;

 private:
  const Value& at(std::size_t column) const;
  std::vector<Value> values_;
};

// The types a column reads as (sdk/src/db.cpp).
template <>
std::int64_t Row::get<std::int64_t>(std::size_t) const;
template <>
int Row::get<int>(std::size_t) const;
template <>
bool Row::get<bool>(std::size_t) const;
template <>
double Row::get<double>(std::size_t) const;
template <>
std::string Row::get<std::string>(std::size_t) const;
template <>
TimePoint Row::get<TimePoint>(std::size_t) const;
template <>
std::optional<std::int64_t> Row::get<std::optional<std::int64_t>>(std::size_t) const;
template <>
std::optional<int> Row::get<std::optional<int>>(std::size_t) const;
template <>
std::optional<bool> Row::get<std::optional<bool>>(std::size_t) const;
template <>
std::optional<double> Row::get<std::optional<double>>(std::size_t) const;
template <>
std::optional<std::string> Row::get<std::optional<std::string>>(std::size_t) const;
template <>
std::optional<TimePoint> Row::get<std::optional<TimePoint>>(std::size_t) const;

using Rows = std::vector<Row>;

// What a statement did: the rows it returned, and the rows it changed (INSERT, UPDATE, DELETE).
struct Result {
  Rows rows;
  std::int64_t affected = 0;
};

// A connection: inside write() one transaction; inside read() each statement its own.
class BOOST_SYMBOL_VISIBLE Session {
 public:
  virtual ~Session();
  virtual const std::string& backend() const = 0;  // "sqlite" or "postgresql"
  // Runs one statement (no ';'-separated lists: see Migration for those).
  virtual Result run(std::string_view sql, const std::vector<Value>& params) = 0;

  template <class... P>
  Rows query(std::string_view sql, P&&... params) {
    return run(sql, {Value(std::forward<P>(params))...}).rows;
  }
  // The first row, or nullopt when there is none.
  template <class... P>
  std::optional<Row> one(std::string_view sql, P&&... params) {
    auto rows = query(sql, std::forward<P>(params)...);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  }
  // The rows changed.
  template <class... P>
  std::int64_t execute(std::string_view sql, P&&... params) {
    return run(sql, {Value(std::forward<P>(params))...}).affected;
  }
  // " FOR UPDATE" on PostgreSQL, "" on SQLite (whose write() holds the write lock already):
  // appended to a SELECT whose rows the transaction updates from what it read.
  const char* forUpdate() const { return backend() == "postgresql" ? " FOR UPDATE" : ""; }
};

class BOOST_SYMBOL_VISIBLE Database {
 public:
  virtual ~Database();
  virtual const std::string& backend() const = 0;
  // `work` in one write transaction: committed when it returns (on disk before write()
  // returns), rolled back when it throws (the exception goes on).
  virtual void write(const std::function<void(Session&)>& work) = 0;
  // `work` on a connection outside any transaction.
  virtual void read(const std::function<void(Session&)>& work) = 0;

  // The same, returning what `work` returns.
  template <class F, class R = std::invoke_result_t<F, Session&>,
            std::enable_if_t<!std::is_void_v<R>, int> = 0>
  R write(F&& work) {
    std::optional<R> out;
    write(std::function<void(Session&)>([&](Session& s) { out.emplace(work(s)); }));
    return std::move(*out);
  }
  template <class F, class R = std::invoke_result_t<F, Session&>,
            std::enable_if_t<!std::is_void_v<R>, int> = 0>
  R read(F&& work) {
    std::optional<R> out;
    read(std::function<void(Session&)>([&](Session& s) { out.emplace(work(s)); }));
    return std::move(*out);
  }
};

}  // namespace switchboard::db
