// Cal.com's webhook signature (PROVIDERS.md): X-Cal-Signature-256 is the hex HMAC-SHA256 of
// the raw body under the webhook's secret, optionally prefixed `sha256=`. There is no
// timestamp, so no replay window: the inbox's identity (uid + trigger + createdAt) dedupes.
#pragma once

#include <string>
#include <string_view>

namespace calcom {

std::string signatureOf(std::string_view body, std::string_view secret);
// True when `header` is the body's signature under `secret` (constant-time compare).
bool validSignature(std::string_view header, std::string_view body, std::string_view secret);

}  // namespace calcom
