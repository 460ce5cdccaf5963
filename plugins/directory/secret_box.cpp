#include "secret_box.h"

#include <cstdlib>

#include "switchboard/crypto.h"

namespace directory {
namespace {

std::optional<std::string> fromHex(const std::string& text) {
  if (text.size() % 2) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = digit(text[i]), lo = digit(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string aad(const std::string& company, const std::string& name) {
  return company + "\n" + name;
}

}  // namespace

std::optional<SecretBox> SecretBox::fromEnvironment(const std::string& variable,
                                                    std::string& error) {
  const char* value = std::getenv(variable.c_str());
  if (!value || !*value) {
    error = "the environment variable " + variable + " (the secrets key) is not set";
    return std::nullopt;
  }
  const std::string text = value;
  auto key = text.size() == 64 ? fromHex(text) : switchboard::crypto::base64Decode(text);
  if (!key || key->size() != 32) {
    error = "the environment variable " + variable +
            " must hold 32 bytes as base64 (openssl rand -base64 32) or 64 hex digits";
    return std::nullopt;
  }
  return SecretBox(std::move(*key));
}

std::string SecretBox::seal(const std::string& company, const std::string& name,
                            const std::string& plaintext) const {
  return switchboard::crypto::base64Encode(
      switchboard::crypto::seal(key_, plaintext, aad(company, name)));
}

std::optional<std::string> SecretBox::open(const std::string& company, const std::string& name,
                                           const std::string& sealed) const {
  const auto raw = switchboard::crypto::base64Decode(sealed);
  if (!raw) return std::nullopt;
  return switchboard::crypto::open(key_, *raw, aad(company, name));
}

}  // namespace directory
