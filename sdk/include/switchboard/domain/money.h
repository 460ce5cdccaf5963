// Money: integer minor units with an ISO 4217 currency, never a float.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace switchboard::domain {

struct Money {
  std::int64_t minor = 0;  // cents for EUR/USD, yen for JPY
  std::string currency;    // ISO 4217, upper case

  friend bool operator==(const Money&, const Money&) = default;
};

// Digits after the decimal point: 2 for EUR, 0 for JPY, 3 for KWD; nullopt for a code that is
// not a currency we know.
std::optional<int> currencyExponent(const std::string& currency);

// "35.00", "35", "35.5" in `currency` → minor units; nullopt when the text is not a
// non-negative amount with at most the currency's digits.
std::optional<Money> parseMoney(const std::string& text, const std::string& currency);

// "35.00 EUR"
std::string formatMoney(const Money& money);

}  // namespace switchboard::domain
