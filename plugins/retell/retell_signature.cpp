#include "retell_signature.h"

#include <charconv>

#include "switchboard/crypto.h"

namespace retell {

std::optional<SignatureHeader> parseSignatureHeader(std::string_view header) {
  SignatureHeader out;
  bool have_v = false, have_d = false;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (part.size() < 2 || part[1] != '=') return std::nullopt;
    const std::string_view value = part.substr(2);
    if (part[0] == 'v' && !have_v) {
      if (value.empty() || value.size() > 15) return std::nullopt;
      const auto [end, ec] =
          std::from_chars(value.data(), value.data() + value.size(), out.timestamp_ms);
      if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
      have_v = true;
    } else if (part[0] == 'd' && !have_d) {
      if (value.size() != 64) return std::nullopt;
      for (char c : value)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
      out.digest = std::string(value);
      have_d = true;
    } else {
      return std::nullopt;
    }
  }
  if (!have_v || !have_d) return std::nullopt;
  return out;
}

SignatureCheck checkSignature(std::string_view header, std::string_view body,
                              std::string_view api_key, std::int64_t now_ms,
                              std::int64_t tolerance_ms) {
  if (header.empty()) return SignatureCheck::kMissing;
  const auto parsed = parseSignatureHeader(header);
  if (!parsed) return SignatureCheck::kMalformed;
  const std::int64_t skew = now_ms - parsed->timestamp_ms;
  if (skew > tolerance_ms || skew < -tolerance_ms) return SignatureCheck::kStale;
  std::string message(body);
  message += std::to_string(parsed->timestamp_ms);
  const auto expected = switchboard::crypto::hmacSha256Hex(api_key, message);
  return switchboard::crypto::constantTimeEquals(expected, parsed->digest)
             ? SignatureCheck::kValid
             : SignatureCheck::kMismatch;
}

std::string signatureHeader(std::string_view body, std::string_view api_key,
                            std::int64_t timestamp_ms) {
  std::string message(body);
  message += std::to_string(timestamp_ms);
  return "v=" + std::to_string(timestamp_ms) +
         ",d=" + switchboard::crypto::hmacSha256Hex(api_key, message);
}

const char* describe(SignatureCheck check) {
  switch (check) {
    case SignatureCheck::kValid:
      return "valid";
    case SignatureCheck::kMissing:
      return "missing X-Retell-Signature";
    case SignatureCheck::kMalformed:
      return "malformed X-Retell-Signature (expected v=<unix ms>,d=<64 hex digits>)";
    case SignatureCheck::kStale:
      return "X-Retell-Signature timestamp outside the tolerance";
    case SignatureCheck::kMismatch:
      return "X-Retell-Signature does not match the body";
  }
  return "invalid X-Retell-Signature";
}

}  // namespace retell
