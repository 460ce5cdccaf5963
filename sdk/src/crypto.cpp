#include "switchboard/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace switchboard::crypto {
namespace {

std::string hex(const unsigned char* data, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[data[i] >> 4];
    out[2 * i + 1] = kHex[data[i] & 0xf];
  }
  return out;
}

std::string base64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                                      static_cast<int>(n));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data, bool as_hex) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(md, key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len))
    throw std::runtime_error("HMAC failed");
  return as_hex ? hex(mac, len) : base64(mac, len);
}

}  // namespace

std::string sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr))
    throw std::runtime_error("SHA-256 failed");
  return hex(digest, len);
}

std::string hmacSha256Hex(std::string_view key, std::string_view data) {
  return hmac(EVP_sha256(), key, data, true);
}

std::string hmacSha256Base64(std::string_view key, std::string_view data) {
  return hmac(EVP_sha256(), key, data, false);
}

std::string hmacSha1Base64(std::string_view key, std::string_view data) {
  return hmac(EVP_sha1(), key, data, false);
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace switchboard::crypto
