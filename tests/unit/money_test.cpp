// Money as integer minor units: parsing catalog prices and formatting them.
#include "switchboard/domain/money.h"

#include <gtest/gtest.h>

namespace {

using switchboard::domain::formatMoney;
using switchboard::domain::Money;
using switchboard::domain::parseMoney;

TEST(Money, ParsesAmountsIntoMinorUnitsOfTheCurrency) {
  EXPECT_EQ(parseMoney("35.00", "EUR"), (Money{3500, "EUR"}));
  EXPECT_EQ(parseMoney("35", "EUR"), (Money{3500, "EUR"}));
  EXPECT_EQ(parseMoney("18.5", "USD"), (Money{1850, "USD"}));
  EXPECT_EQ(parseMoney("0.07", "USD"), (Money{7, "USD"}));
  EXPECT_EQ(parseMoney("1500", "JPY"), (Money{1500, "JPY"}));
  EXPECT_EQ(parseMoney("1.250", "KWD"), (Money{1250, "KWD"}));
}

TEST(Money, RefusesWhatIsNotAnAmountOfThatCurrency) {
  EXPECT_FALSE(parseMoney("1.005", "EUR"));  // more digits than cents
  EXPECT_FALSE(parseMoney("1.5", "JPY"));    // yen have no minor unit
  EXPECT_FALSE(parseMoney("-3.00", "EUR"));
  EXPECT_FALSE(parseMoney("3,00", "EUR"));
  EXPECT_FALSE(parseMoney("", "EUR"));
  EXPECT_FALSE(parseMoney(".", "EUR"));
  EXPECT_FALSE(parseMoney("1.2.3", "EUR"));
  EXPECT_FALSE(parseMoney("10", "XXX"));
  EXPECT_FALSE(parseMoney("99999999999999999999", "EUR"));
}

TEST(Money, FormatsWithTheCurrencysDigits) {
  EXPECT_EQ(formatMoney({3500, "EUR"}), "35.00 EUR");
  EXPECT_EQ(formatMoney({7, "USD"}), "0.07 USD");
  EXPECT_EQ(formatMoney({-120, "EUR"}), "-1.20 EUR");
  EXPECT_EQ(formatMoney({1500, "JPY"}), "1500 JPY");
  EXPECT_EQ(formatMoney({1250, "KWD"}), "1.250 KWD");
}

}  // namespace
