// Catalog secrets at rest: AES-256-GCM under a key from the environment, bound to their
// owner and name (the additional data), stored as base64.
#pragma once

#include <optional>
#include <string>

namespace directory {

class SecretBox {
 public:
  // The key is the variable's value: 32 bytes as base64 (openssl rand -base64 32) or 64 hex
  // digits. nullopt with `error` set when unset or malformed.
  static std::optional<SecretBox> fromEnvironment(const std::string& variable, std::string& error);

  std::string seal(const std::string& company, const std::string& name,
                   const std::string& plaintext) const;
  // nullopt when the stored value was not sealed under this key for this owner and name.
  std::optional<std::string> open(const std::string& company, const std::string& name,
                                  const std::string& sealed) const;

 private:
  explicit SecretBox(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace directory
