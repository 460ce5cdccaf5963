#include "switchboard/db.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace switchboard::db {

Session::~Session() = default;
Database::~Database() = default;

const Value& Row::at(std::size_t column) const {
  if (column >= values_.size())
    throw Error("column " + std::to_string(column) + " of a row of " +
                std::to_string(values_.size()));
  return values_[column];
}

namespace {

// PostgreSQL sends every value as text; SQLite keeps what was stored. Both read the same here.
std::int64_t integerOf(const Value& v, std::size_t column) {
  const auto& d = v.data();
  if (const auto* i = std::get_if<std::int64_t>(&d)) return *i;
  if (const auto* r = std::get_if<double>(&d)) {
    if (*r != std::floor(*r) || std::fabs(*r) > 9.2e18)
      throw Error("column " + std::to_string(column) + " holds " + std::to_string(*r) +
                  ", not an integer");
    return static_cast<std::int64_t>(*r);
  }
  if (const auto* s = std::get_if<std::string>(&d)) {
    std::int64_t out = 0;
    const auto* end = s->data() + s->size();
    if (auto [p, ec] = std::from_chars(s->data(), end, out); ec == std::errc() && p == end)
      return out;
    if (*s == "t" || *s == "true") return 1;  // a PostgreSQL boolean
    if (*s == "f" || *s == "false") return 0;
    throw Error("column " + std::to_string(column) + " holds \"" + s->substr(0, 40) +
                "\", not an integer");
  }
  throw Error("column " + std::to_string(column) + " is NULL");
}

double realOf(const Value& v, std::size_t column) {
  const auto& d = v.data();
  if (const auto* r = std::get_if<double>(&d)) return *r;
  if (const auto* i = std::get_if<std::int64_t>(&d)) return static_cast<double>(*i);
  if (const auto* s = std::get_if<std::string>(&d)) {
    try {
      std::size_t used = 0;
      const double out = std::stod(*s, &used);
      if (used == s->size()) return out;
    } catch (const std::exception&) {
    }
    throw Error("column " + std::to_string(column) + " holds \"" + s->substr(0, 40) +
                "\", not a number");
  }
  throw Error("column " + std::to_string(column) + " is NULL");
}

std::string textOf(const Value& v, std::size_t column) {
  const auto& d = v.data();
  if (const auto* s = std::get_if<std::string>(&d)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&d)) return std::to_string(*i);
  if (const auto* r = std::get_if<double>(&d)) {
    char buffer[32];
    const auto [p, ec] = std::to_chars(buffer, buffer + sizeof buffer, *r);
    return std::string(buffer, p);
  }
  throw Error("column " + std::to_string(column) + " is NULL");
}

}  // namespace

template <>
std::int64_t Row::get<std::int64_t>(std::size_t column) const {
  return integerOf(at(column), column);
}
template <>
int Row::get<int>(std::size_t column) const {
  const auto v = integerOf(at(column), column);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    throw Error("column " + std::to_string(column) + " holds " + std::to_string(v) +
                ", too large for an int");
  return static_cast<int>(v);
}
template <>
bool Row::get<bool>(std::size_t column) const {
  return integerOf(at(column), column) != 0;
}
template <>
double Row::get<double>(std::size_t column) const {
  return realOf(at(column), column);
}
template <>
std::string Row::get<std::string>(std::size_t column) const {
  return textOf(at(column), column);
}
template <>
TimePoint Row::get<TimePoint>(std::size_t column) const {
  return TimePoint(std::chrono::milliseconds(integerOf(at(column), column)));
}

#define SWITCHBOARD_DB_OPTIONAL(T)                                   \
  template <>                                                        \
  std::optional<T> Row::get<std::optional<T>>(std::size_t c) const { \
    if (at(c).isNull()) return std::nullopt;                         \
    return get<T>(c);                                                \
  }
SWITCHBOARD_DB_OPTIONAL(std::int64_t)
SWITCHBOARD_DB_OPTIONAL(int)
SWITCHBOARD_DB_OPTIONAL(bool)
SWITCHBOARD_DB_OPTIONAL(double)
SWITCHBOARD_DB_OPTIONAL(std::string)
SWITCHBOARD_DB_OPTIONAL(TimePoint)
#undef SWITCHBOARD_DB_OPTIONAL

}  // namespace switchboard::db
