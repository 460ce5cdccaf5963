#include "switchboard/phone.h"

#include <phonenumbers/phonenumberutil.h>

#include <vector>

namespace switchboard::phone {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::optional<std::string> validE164(const std::string& text, const std::string& region) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(text, region.empty() ? "ZZ" : region, &number) !=
      PhoneNumberUtil::NO_PARSING_ERROR)
    return std::nullopt;
  if (!util.IsValidNumber(number)) return std::nullopt;
  std::string out;
  util.Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

}  // namespace

PhoneParse toE164(const std::string& text, const std::string& region) {
  const auto first = text.find_first_not_of(" \t");
  const bool international =
      first != std::string::npos && (text[first] == '+' || text.compare(first, 2, "00") == 0);
  std::vector<std::string> readings;
  if (auto national = validE164(text, region)) readings.push_back(*national);
  if (!international && first != std::string::npos && text[first] != '0')
    if (auto plus = validE164("+" + text.substr(first), "");
        plus && (readings.empty() || *plus != readings[0]))
      readings.push_back(*plus);
  if (readings.size() == 1) return {readings[0], ""};
  if (readings.size() > 1)
    return {std::nullopt, "'" + text + "' is ambiguous (" + readings[0] + " or " + readings[1] +
                              "): write it with a leading +"};
  return {std::nullopt,
          "'" + text + "' is not a valid phone number" +
              (international || !region.empty()
                   ? std::string()
                   : std::string(" (write it with a leading +, or set company.country)"))};
}

}  // namespace switchboard::phone
