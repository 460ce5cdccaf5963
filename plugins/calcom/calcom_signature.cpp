#include "calcom_signature.h"

#include <algorithm>
#include <cctype>

#include "switchboard/crypto.h"

namespace calcom {

std::string signatureOf(std::string_view body, std::string_view secret) {
  return switchboard::crypto::hmacSha256Hex(secret, body);
}

bool validSignature(std::string_view header, std::string_view body, std::string_view secret) {
  if (secret.empty()) return false;  // a webhook without a secret is never trusted
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  if (header.size() > 7 && header.substr(0, 7) == "sha256=") header.remove_prefix(7);
  if (header.size() != 64) return false;
  std::string lower(header);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return switchboard::crypto::constantTimeEquals(lower, signatureOf(body, secret));
}

}  // namespace calcom
