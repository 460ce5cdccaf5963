#include "http/response_encoder.h"

#include <http_parser.h>
#include <strings.h>

#include <cstring>
#include <ctime>

#include "http/token.h"
#include "util/ids.h"

namespace switchboard::kernel::http {
namespace {

bool safeName(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (!isTokenChar(c)) return false;
  return true;
}

bool safeValue(std::string_view value) {
  for (unsigned char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

bool ownedByTransport(std::string_view name) {
  for (const char* owned :
       {"content-length", "transfer-encoding", "connection", "date", "keep-alive"})
    if (name.size() == std::strlen(owned) && ::strncasecmp(name.data(), owned, name.size()) == 0)
      return true;
  return false;
}

// RFC 9110 §6.4.1: no content in 1xx, 204 and 304 responses.
bool mayHaveContent(int status) {
  return status >= 200 && status != 204 && status != 304;
}

}  // namespace

const std::string& httpDateNow() {
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[64];
    const auto n = std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached.assign(buffer, n);
    cached_second = now;
  }
  return cached;
}

std::string encodeResponse(const switchboard::HttpResponse& response, bool keep_alive,
                           bool head_only) {
  const int status = response.status;
  const char* reason = http_status_str(static_cast<http_status>(status));
  std::string out;
  out.reserve(160 + response.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason[0] == '<' ? "Unknown" : reason;
  out += "\r\nDate: ";
  out += httpDateNow();
  out += keep_alive ? "\r\nConnection: keep-alive" : "\r\nConnection: close";
  const bool content = mayHaveContent(status);
  if (content) {
    out += "\r\nContent-Length: ";
    out += std::to_string(response.body.size());
  }
  for (const auto& h : response.headers) {
    if (ownedByTransport(h.name) || !safeName(h.name) || !safeValue(h.value)) continue;
    out += "\r\n";
    out += h.name;
    out += ": ";
    out += h.value;
  }
  out += "\r\n\r\n";
  if (content && !head_only) out += response.body;
  return out;
}

std::string encodeTransportError(int status, std::string_view message) {
  switchboard::HttpRequest request;
  request.request_id = util::randomId();
  auto response = switchboard::HttpResponse::error(request, status, message);
  response.header("X-Request-Id", request.request_id);
  return encodeResponse(response, false, false);
}

}  // namespace switchboard::kernel::http
