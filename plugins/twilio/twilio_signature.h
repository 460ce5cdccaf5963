// X-Twilio-Signature (PROVIDERS.md, Twilio): base64(HMAC-SHA1(auth token, the full URL Twilio
// requested + each form parameter's name and value, sorted by name then value)). For a JSON
// body the URL carries bodySHA256=<hex sha256 of the body> and the signature covers the URL.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace twilio {

using Params = std::vector<std::pair<std::string, std::string>>;

std::string signatureOf(std::string_view url, Params params, std::string_view auth_token);

// The URL with its default port spelled out when absent, or dropped when present: Twilio may
// have signed either form (its own validator checks both). Unchanged for a non-default port.
std::string otherPortForm(std::string_view url);

// `url`: the public URL of the request (scheme, host, port if any, path and query, as Twilio
// requested it); `body` and `form`: the raw body and whether it is form-encoded.
bool validSignature(std::string_view header, std::string_view url, std::string_view body, bool form,
                    std::string_view auth_token);

}  // namespace twilio
