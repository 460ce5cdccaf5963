// The digests and signatures webhook providers use, in one place (OpenSSL underneath).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace switchboard::crypto {

std::string sha256Hex(std::string_view data);
std::string hmacSha256Hex(std::string_view key, std::string_view data);
std::string hmacSha256Base64(std::string_view key, std::string_view data);
std::string hmacSha1Base64(std::string_view key, std::string_view data);
// Compares secrets without leaking where they differ through timing.
bool constantTimeEquals(std::string_view a, std::string_view b);

std::string base64Encode(std::string_view data);
// nullopt when `text` is not base64.
std::optional<std::string> base64Decode(std::string_view text);

// AES-256-GCM with a fresh random 96-bit nonce: returns nonce || ciphertext || 128-bit tag.
// `key` must be 32 bytes; `aad` is authenticated, not encrypted (bind a secret to its owner).
std::string seal(std::string_view key, std::string_view plaintext, std::string_view aad = {});
// nullopt when the key is wrong or the data or `aad` were changed.
std::optional<std::string> open(std::string_view key, std::string_view sealed,
                                std::string_view aad = {});

}  // namespace switchboard::crypto
