// The digests and signatures webhook providers use, in one place (OpenSSL underneath).
#pragma once

#include <string>
#include <string_view>

namespace switchboard::crypto {

std::string sha256Hex(std::string_view data);
std::string hmacSha256Hex(std::string_view key, std::string_view data);
std::string hmacSha256Base64(std::string_view key, std::string_view data);
std::string hmacSha1Base64(std::string_view key, std::string_view data);
// Compares secrets without leaking where they differ through timing.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace switchboard::crypto
