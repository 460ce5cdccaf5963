#include "switchboard/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <map>
#include <stdexcept>
#include <string>

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
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

// One HMAC context per thread and digest, keyed again per call: HMAC() and EVP_Q_mac() look the
// algorithm and the digest up by name on every call, which showed in the webhook ingest profile.
EVP_MAC_CTX* hmacContext(const char* digest) {
  struct Contexts {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    std::map<std::string, EVP_MAC_CTX*, std::less<>> by_digest;
    ~Contexts() {
      for (auto& [name, ctx] : by_digest) EVP_MAC_CTX_free(ctx);
      EVP_MAC_free(mac);
    }
  };
  thread_local Contexts contexts;
  auto it = contexts.by_digest.find(std::string_view(digest));
  if (it != contexts.by_digest.end()) return it->second;
  EVP_MAC_CTX* ctx = contexts.mac ? EVP_MAC_CTX_new(contexts.mac) : nullptr;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string("digest", const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  if (!ctx || !EVP_MAC_CTX_set_params(ctx, params)) {
    EVP_MAC_CTX_free(ctx);
    throw std::runtime_error(std::string("HMAC-") + digest + " is not available");
  }
  return contexts.by_digest.emplace(digest, ctx).first->second;
}

std::string hmac(const char* digest, std::string_view key, std::string_view data, bool as_hex) {
  EVP_MAC_CTX* ctx = hmacContext(digest);
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  // An empty key is legal HMAC; OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty = 0;
  const auto* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  if (!EVP_MAC_init(ctx, key_bytes, key.size(), nullptr) ||
      !EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) ||
      !EVP_MAC_final(ctx, mac, &len, sizeof mac))
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
  return hmac("SHA256", key, data, true);
}

std::string hmacSha256Base64(std::string_view key, std::string_view data) {
  return hmac("SHA256", key, data, false);
}

std::string hmacSha1Base64(std::string_view key, std::string_view data) {
  return hmac("SHA1", key, data, false);
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64Encode(std::string_view data) {
  return base64(reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

std::optional<std::string> base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);  // EVP_DecodeBlock counts the padding
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;
  out.resize(size);
  return out;
}

namespace {

constexpr std::size_t kNonce = 12, kTag = 16;

struct CipherCtx {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
};

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string seal(std::string_view key, std::string_view plaintext, std::string_view aad) {
  if (key.size() != 32) throw std::invalid_argument("AES-256-GCM needs a 32-byte key");
  std::string out(kNonce + plaintext.size() + kTag, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(o, kNonce) != 1) throw std::runtime_error("no randomness for a nonce");
  CipherCtx c;
  int len = 0;
  if (!c.ctx || EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, bytes(key), o) != 1 ||
      (!aad.empty() &&
       EVP_EncryptUpdate(c.ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) != 1) ||
      EVP_EncryptUpdate(c.ctx, o + kNonce, &len, bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(c.ctx, o + kNonce + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, kTag, o + kNonce + plaintext.size()) != 1)
    throw std::runtime_error("AES-256-GCM encryption failed");
  return out;
}

std::optional<std::string> open(std::string_view key, std::string_view sealed,
                                std::string_view aad) {
  if (key.size() != 32) throw std::invalid_argument("AES-256-GCM needs a 32-byte key");
  if (sealed.size() < kNonce + kTag) return std::nullopt;
  const std::size_t n = sealed.size() - kNonce - kTag;
  std::string out(n, '\0');
  std::string tag(sealed.substr(kNonce + n));
  CipherCtx c;
  int len = 0;
  if (!c.ctx ||
      EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, bytes(key), bytes(sealed)) != 1 ||
      (!aad.empty() &&
       EVP_DecryptUpdate(c.ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) != 1) ||
      EVP_DecryptUpdate(c.ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                        bytes(sealed.substr(kNonce)), static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1)
    return std::nullopt;
  int final_len = 0;
  if (EVP_DecryptFinal_ex(c.ctx, reinterpret_cast<unsigned char*>(out.data()) + len, &final_len) !=
      1)
    return std::nullopt;  // the tag does not match
  return out;
}

}  // namespace switchboard::crypto
