// What of an outbound request may be written to a log.
#pragma once

#include <string>
#include <vector>

#include "switchboard/http_client.h"

namespace switchboard::kernel::net {

// The values a log line about `request` must never show: its listed secrets, the credential
// in its Authorization header (and that header's base64 form decoded), and the URL's password.
std::vector<std::string> secretsOf(const switchboard::OutboundRequest& request);

// `url` fit for a log: userinfo, the values of query parameters whose names say they are
// credentials (key, token, secret, password, signature, ...) and every value of `secrets`
// replaced by "***".
std::string redactUrl(const std::string& url, const std::vector<std::string>& secrets);

}  // namespace switchboard::kernel::net
