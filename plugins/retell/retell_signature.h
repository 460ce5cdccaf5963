// X-Retell-Signature: "v=<unix ms>,d=<hex HMAC-SHA256(api key, raw body + v)>" (PROVIDERS.md).
// The same scheme signs call webhooks, the inbound-call webhook and tool calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace retell {

enum class SignatureCheck { kValid, kMissing, kMalformed, kStale, kMismatch };

struct SignatureHeader {
  std::int64_t timestamp_ms = 0;
  std::string digest;  // 64 lowercase hex digits
};

// nullopt when the header is not of the documented shape.
std::optional<SignatureHeader> parseSignatureHeader(std::string_view header);

// `header` empty: missing. The timestamp must be within `tolerance_ms` of `now_ms`, either way.
SignatureCheck checkSignature(std::string_view header, std::string_view body,
                              std::string_view api_key, std::int64_t now_ms,
                              std::int64_t tolerance_ms);

// The header Retell would send (tests, the bench and the fake Retell use it).
std::string signatureHeader(std::string_view body, std::string_view api_key,
                            std::int64_t timestamp_ms);

// Why a request was refused, for the 401's message.
const char* describe(SignatureCheck check);

}  // namespace retell
