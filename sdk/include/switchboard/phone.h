// Phone numbers as admins and callers write them, to E.164, with libphonenumber. Link
// Switchboard::phone (a library of its own: libphonenumber brings protobuf and ICU).
#pragma once

#include <optional>
#include <string>

namespace switchboard::phone {

struct PhoneParse {
  std::optional<std::string> e164;
  std::string error;  // when e164 is empty
};

// `text` in any common format; `region` (ISO 3166 alpha-2, may be empty) for national ones.
// Digits without '+' are tried both as national and as international (libphonenumber reads
// 491234567890 with region DE as +49491234567890); two valid readings are ambiguous.
PhoneParse toE164(const std::string& text, const std::string& region);

}  // namespace switchboard::phone
