#include "storage/sql_row.h"

#include <charconv>
#include <stdexcept>

namespace switchboard::sql {

std::int64_t int64At(const soci::row& row, std::size_t i) {
  return optionalInt64At(row, i).value_or(0);
}

std::optional<std::int64_t> optionalInt64At(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return row.get<int>(i);
    case soci::dt_long_long:
      return row.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<std::int64_t>(row.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<std::int64_t>(row.get<double>(i));
    case soci::dt_string:
      return std::stoll(row.get<std::string>(i));
    default:
      throw std::runtime_error("column " + row.get_properties(i).get_name() + " is not an integer");
  }
}

std::string textAt(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return "";
  return row.get<std::string>(i);
}

std::int64_t int64At(const TextRow& row, std::size_t i) {
  return optionalInt64At(row, i).value_or(0);
}

std::optional<std::int64_t> optionalInt64At(const TextRow& row, std::size_t i) {
  if (row.isNull(i)) return std::nullopt;
  const std::string& text = row.text(i);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size()) return value;
  // An aggregate or an expression may come back as a real number ("12.0"): whole, it is read.
  try {
    std::size_t used = 0;
    const double d = std::stod(text, &used);
    if (used == text.size() && d == static_cast<double>(static_cast<std::int64_t>(d)))
      return static_cast<std::int64_t>(d);
  } catch (const std::exception&) {
  }
  throw std::runtime_error("column " + std::to_string(i) + " ('" + text + "') is not an integer");
}

std::string textAt(const TextRow& row, std::size_t i) {
  return row.isNull(i) ? "" : row.text(i);
}

}  // namespace switchboard::sql
