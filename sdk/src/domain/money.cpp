#include "switchboard/domain/money.h"

#include <cctype>
#include <map>

namespace switchboard::domain {

std::optional<int> currencyExponent(const std::string& currency) {
  // ISO 4217 minor units of the currencies a tenant may bill in; extend as needed.
  static const std::map<std::string, int> kExponents = {
      {"EUR", 2}, {"USD", 2}, {"GBP", 2}, {"CHF", 2}, {"PLN", 2}, {"CZK", 2}, {"SEK", 2},
      {"NOK", 2}, {"DKK", 2}, {"HUF", 2}, {"RON", 2}, {"TRY", 2}, {"CAD", 2}, {"AUD", 2},
      {"NZD", 2}, {"ZAR", 2}, {"MXN", 2}, {"BRL", 2}, {"INR", 2}, {"SGD", 2}, {"HKD", 2},
      {"JPY", 0}, {"KRW", 0}, {"ISK", 0}, {"CLP", 0}, {"KWD", 3}, {"BHD", 3}, {"JOD", 3}};
  const auto it = kExponents.find(currency);
  if (it == kExponents.end()) return std::nullopt;
  return it->second;
}

std::optional<Money> parseMoney(const std::string& text, const std::string& currency) {
  const auto exponent = currencyExponent(currency);
  if (!exponent || text.empty()) return std::nullopt;
  std::int64_t whole = 0, fraction = 0;
  int fraction_digits = 0;
  bool seen_point = false, seen_digit = false;
  for (char c : text) {
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    seen_digit = true;
    if (seen_point) {
      if (++fraction_digits > *exponent) return std::nullopt;
      fraction = fraction * 10 + (c - '0');
    } else {
      if (whole > 1'000'000'000'000LL) return std::nullopt;  // no tenant sells that
      whole = whole * 10 + (c - '0');
    }
  }
  if (!seen_digit) return std::nullopt;
  std::int64_t scale = 1;
  for (int i = 0; i < *exponent; ++i) scale *= 10;
  for (int i = fraction_digits; i < *exponent; ++i) fraction *= 10;
  return Money{whole * scale + fraction, currency};
}

std::string formatMoney(const Money& money) {
  const int exponent = currencyExponent(money.currency).value_or(2);
  const bool negative = money.minor < 0;
  const std::uint64_t abs = negative ? static_cast<std::uint64_t>(-(money.minor + 1)) + 1
                                     : static_cast<std::uint64_t>(money.minor);
  std::uint64_t scale = 1;
  for (int i = 0; i < exponent; ++i) scale *= 10;
  std::string out = (negative ? "-" : "") + std::to_string(abs / scale);
  if (exponent > 0) {
    std::string fraction = std::to_string(abs % scale);
    out += "." + std::string(static_cast<std::size_t>(exponent) - fraction.size(), '0') + fraction;
  }
  return out + " " + money.currency;
}

}  // namespace switchboard::domain
