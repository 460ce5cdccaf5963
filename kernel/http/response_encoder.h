// Writes a response as HTTP/1.1 bytes. The kernel owns the framing headers (Content-Length,
// Connection, Date); a plugin's header that would break framing or split the response (a CR, LF
// or NUL in it, a name that is not a token) is dropped, never sent.
#pragma once

#include <string>
#include <string_view>

#include "switchboard/http.h"

namespace switchboard::kernel::http {

std::string encodeResponse(const switchboard::HttpResponse& response, bool keep_alive,
                           bool head_only);

// An error answered by the transport itself (framing, limits, timeouts): the one JSON error
// shape with a fresh request id, and `Connection: close`.
std::string encodeTransportError(int status, std::string_view message);

// The current time as an HTTP date (RFC 9110 §5.6.7), computed once a second per thread.
const std::string& httpDateNow();

}  // namespace switchboard::kernel::http
