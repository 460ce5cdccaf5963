#include "twilio_signature.h"

#include <algorithm>

#include "switchboard/crypto.h"
#include "switchboard/http.h"

namespace twilio {

std::string signatureOf(std::string_view url, Params params, std::string_view auth_token) {
  std::sort(params.begin(), params.end());
  std::string message(url);
  for (const auto& [name, value] : params) message += name + value;
  return switchboard::crypto::hmacSha1Base64(auth_token, message);
}

std::string otherPortForm(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const auto scheme = url.substr(0, scheme_end);
  const auto host_begin = scheme_end + 3;
  const auto host_end = std::min(url.find_first_of("/?#", host_begin), url.size());
  const auto authority = url.substr(host_begin, host_end - host_begin);
  const std::string default_port = scheme == "https" ? "443" : scheme == "http" ? "80" : "";
  if (default_port.empty() || authority.find('@') != std::string_view::npos)
    return std::string(url);
  const auto colon = authority.rfind(':');
  const bool bracketed_v6 = !authority.empty() && authority.back() == ']';
  std::string out(url.substr(0, host_begin));
  if (colon != std::string_view::npos && !bracketed_v6) {
    if (authority.substr(colon + 1) != default_port) return std::string(url);
    out += authority.substr(0, colon);  // drop the default port
  } else {
    out += std::string(authority) + ":" + default_port;  // spell it out
  }
  out += url.substr(host_end);
  return out;
}

namespace {

bool matches(std::string_view header, std::string_view url, const Params& params,
             std::string_view token) {
  return switchboard::crypto::constantTimeEquals(header, signatureOf(url, params, token));
}

// The bodySHA256 query parameter of a JSON callback's URL.
std::string bodyHashOf(std::string_view url) {
  const auto q = url.find('?');
  if (q == std::string_view::npos) return {};
  for (const auto& [k, v] : switchboard::formDecode(url.substr(q + 1)))
    if (k == "bodySHA256") return v;
  return {};
}

}  // namespace

bool validSignature(std::string_view header, std::string_view url, std::string_view body, bool form,
                    std::string_view auth_token) {
  if (auth_token.empty() || header.empty()) return false;
  Params params;
  if (form) {
    params = switchboard::formDecode(body);
  } else {
    // A JSON (or other) body: the URL is signed, the body is bound by its hash.
    const auto hash = bodyHashOf(url);
    if (hash.empty() ||
        !switchboard::crypto::constantTimeEquals(hash, switchboard::crypto::sha256Hex(body)))
      return false;
  }
  if (matches(header, url, params, auth_token)) return true;
  const auto other = otherPortForm(url);
  return other != url && matches(header, other, params, auth_token);
}

}  // namespace twilio
