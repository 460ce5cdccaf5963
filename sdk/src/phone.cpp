#include "switchboard/phone.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace switchboard::phone {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::optional<std::string> parseE164(const std::string& text, const std::string& region,
                                     bool possible_only) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(text, region.empty() ? "ZZ" : region, &number) !=
      PhoneNumberUtil::NO_PARSING_ERROR)
    return std::nullopt;
  if (!(possible_only ? util.IsPossibleNumber(number) : util.IsValidNumber(number)))
    return std::nullopt;
  std::string out;
  util.Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

// `text` as E.164 when libphonenumber reads it with `region`: a valid number, or with
// `possible_only` one of a possible length (for matching exactly against known numbers).
// Remembered: a parse with its checks costs tens of µs of ICU regular expressions, and the
// same numbers (a company's lines, its callers) come back with each of a call's webhooks.
std::optional<std::string> parsedE164(const std::string& text, const std::string& region,
                                      bool possible_only = false) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::optional<std::string>> seen;
  constexpr std::size_t kMost = 16384;  // then forgotten all at once: a bound, not an LRU
  std::string key = region;
  key += possible_only ? "\x1fp\x1f" : "\x1fv\x1f";
  key += text;
  {
    std::lock_guard lock(mutex);
    if (const auto it = seen.find(key); it != seen.end()) return it->second;
  }
  auto parsed = parseE164(text, region, possible_only);
  std::lock_guard lock(mutex);
  if (seen.size() >= kMost) seen.clear();
  seen.emplace(std::move(key), parsed);
  return parsed;
}

// The ASCII digit a Unicode decimal digit stands for, or -1. The blocks callers' phones and
// voice platforms have been seen to send; libphonenumber knows more, which it reads itself.
int digitOf(char32_t c) {
  static constexpr char32_t kZeros[] = {0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6,
                                        0x0A66, 0x0AE6, 0x0E50, 0xFF10};
  for (const char32_t zero : kZeros)
    if (c >= zero && c <= zero + 9) return static_cast<int>(c - zero);
  return -1;
}

const std::string kTooLong =
    "longer than " + std::to_string(kMaxChars) + " characters: not a phone number";

}  // namespace

std::optional<std::string> normalised(std::string_view text) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++chars) {
    if (chars >= kMaxChars) return std::nullopt;
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t n = lead < 0x80           ? 1
                          : (lead >> 5) == 0x6  ? 2
                          : (lead >> 4) == 0xE  ? 3
                          : (lead >> 3) == 0x1E ? 4
                                                : 0;
    if (n == 0 || i + n > text.size()) return std::nullopt;
    char32_t c = n == 1 ? lead : lead & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto cont = static_cast<unsigned char>(text[i + k]);
      if ((cont & 0xC0) != 0x80) return std::nullopt;
      c = (c << 6) | (cont & 0x3F);
    }
    if (const int d = digitOf(c); d >= 0)
      out += static_cast<char>('0' + d);
    else if (c == 0xFF0B)  // fullwidth plus
      out += '+';
    else
      out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

PhoneParse toE164(const std::string& raw, const std::string& region) {
  const auto normal = normalised(raw);
  if (!normal) return {std::nullopt, kTooLong};
  const std::string& text = *normal;
  const auto first = text.find_first_not_of(" \t");
  const bool international =
      first != std::string::npos && (text[first] == '+' || text.compare(first, 2, "00") == 0);
  std::vector<std::string> readings;
  if (auto national = parsedE164(text, region)) readings.push_back(*national);
  if (!international && first != std::string::npos && text[first] != '0')
    if (auto plus = parsedE164("+" + text.substr(first), "");
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

std::vector<std::string> readings(const std::string& text,
                                  const std::vector<std::string>& regions) {
  const auto normal = normalised(text);
  if (!normal) return {};
  std::string cleaned;
  std::string rest = *normal;
  if (const auto zero = rest.find("(0)"); zero != std::string::npos) rest.erase(zero, 3);
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const char c = rest[i];
    if (c >= '0' && c <= '9')
      cleaned += c;
    else if (c == '+' && cleaned.empty())
      cleaned += c;
    else if (c == ' ' || c == '\t' || c == '(' || c == ')' || c == '/' || c == '-' || c == '.')
      continue;
    else
      return {};  // letters, a second +, ...: not a number
  }
  const std::size_t digits = cleaned.size() - (cleaned.rfind('+', 0) == 0 ? 1 : 0);
  if (digits < 5 || digits > 17) return {};
  std::vector<std::string> out;
  auto add = [&](std::optional<std::string> e164) {
    if (e164 && std::find(out.begin(), out.end(), *e164) == out.end()) out.push_back(*e164);
  };
  if (cleaned[0] == '+') {
    add(parsedE164(cleaned, "", true));
    return out;
  }
  if (cleaned.rfind("00", 0) == 0) {
    add(parsedE164("+" + cleaned.substr(2), "", true));
    return out;
  }
  for (const auto& region : regions) add(parsedE164(cleaned, region, true));
  if (cleaned[0] != '0') add(parsedE164("+" + cleaned, "", true));
  return out;
}

}  // namespace switchboard::phone
