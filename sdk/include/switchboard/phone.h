// Phone numbers as admins and callers write them, to E.164, with libphonenumber. Link
// Switchboard::phone (a library of its own: libphonenumber brings protobuf and ICU).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::phone {

// The longest text read as a phone number, in characters: E.164 has at most 15 digits; with
// the spaces, brackets, dashes and "(0)" people write, 32 is plenty. Longer text is refused
// before libphonenumber sees it (its regular expressions take quadratic time on long input).
constexpr std::size_t kMaxChars = 32;

// `text` with its Unicode decimal digits (fullwidth, Arabic-Indic, Devanagari, ...) and a
// fullwidth plus written as ASCII, everything else kept; nullopt when it is longer than
// kMaxChars characters or not UTF-8. What every function here reads first.
std::optional<std::string> normalised(std::string_view text);

struct PhoneParse {
  std::optional<std::string> e164;
  std::string error;  // when e164 is empty
};

// `text` in any common format; `region` (ISO 3166 alpha-2, may be empty) for national ones.
// Digits without '+' are tried both as national and as international (libphonenumber reads
// 491234567890 with region DE as +49491234567890); two valid readings are ambiguous.
PhoneParse toE164(const std::string& text, const std::string& region);

// Every E.164 number `text` could mean, for matching a dialled or calling number exactly
// against known ones (so not checked for validity): as written with + or 00; national in each
// of `regions` (with or without the trunk prefix); and international with the + left out.
// Spaces, brackets, slashes, dots and dashes are ignored, and so is the "(0)" of
// "+49 (0)30 ...". Empty when `text` is no phone number at all (letters, too few digits).
std::vector<std::string> readings(const std::string& text, const std::vector<std::string>& regions);

}  // namespace switchboard::phone
