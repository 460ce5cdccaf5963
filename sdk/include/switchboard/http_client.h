// Outbound HTTP: plugins call upstream APIs through host.client(), never through libcurl
// directly. The client a plugin gets already does, from its YAML `http_client:` settings:
//  - timeouts: connect and total per attempt;
//  - retries with full-jitter backoff on 429, 5xx, timeouts and connection errors, honouring
//    Retry-After (seconds or an HTTP date). A request is retried only when repeating it is safe:
//    GET/HEAD/PUT/DELETE/OPTIONS, a request that carries an `idempotency_key`, or any request
//    whose connection was refused before a byte was sent;
//  - a circuit breaker per (plugin, upstream, tenant): after repeated failures calls fail at
//    once (`circuit_open`) until a cool-down lets one probe through;
//  - metrics (switchboard_upstream_*) and log lines with every secret redacted, URLs included.
#pragma once

#include <boost/config.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/http.h"

namespace switchboard {

struct OutboundResponse;

struct OutboundRequest {
  std::string method = "GET";
  std::string url;
  std::vector<HttpHeader> headers;
  std::string body;
  // Per attempt; zero: the plugin's `http_client.timeout_ms`.
  std::chrono::milliseconds timeout{0};

  // What the metrics and the breaker call the upstream; empty: the URL's host.
  std::string upstream;
  // The company the call is made for: each has its own breaker (one company's revoked key must
  // not stop every other company's calls). Empty for platform-wide calls.
  std::string tenant;
  // Makes a non-idempotent request safe to retry. Sent in `idempotency_header` unless that is
  // empty (an upstream without idempotency keys: the caller finds a repeat by its own reference).
  std::string idempotency_key;
  std::string idempotency_header = "Idempotency-Key";
  // false: exactly one attempt, whatever the method (the caller retries through a job).
  bool retry = true;
  // For an upstream without idempotency keys: asked before repeating an attempt whose outcome
  // is unknown (it timed out or the connection broke after the request went out). Returns the
  // upstream's record of that earlier request if it took it — used as the answer, no repeat —
  // or nullopt to repeat.
  std::function<std::optional<OutboundResponse>()> find_earlier;
  // Values never to be written to a log (a token in the URL's path, say). Authorization
  // headers and userinfo in the URL are redacted without being listed.
  std::vector<std::string> secrets;

  OutboundRequest() = default;
  OutboundRequest(std::string method_, std::string url_)
      : method(std::move(method_)), url(std::move(url_)) {}

  // Body helpers: each sets the body and its Content-Type.
  OutboundRequest& json(std::string json_text);
  OutboundRequest& form(const std::vector<std::pair<std::string, std::string>>& fields);
  // Auth helpers: each sets the Authorization header and marks the credential secret.
  OutboundRequest& bearer(const std::string& token);
  OutboundRequest& basicAuth(const std::string& user, const std::string& password);
  OutboundRequest& header(std::string name, std::string value);
};

struct OutboundResponse {
  int status = 0;                   // 0 when no response came (see error)
  std::vector<HttpHeader> headers;  // names in lower case
  std::string body;                 // raw bytes, as received (signature checks need them)
  std::string error;                // transport failure, empty on any HTTP answer
  bool timed_out = false;           // the attempt hit its timeout
  bool connect_failed = false;      // nothing was sent: the connection was never made
  bool circuit_open = false;        // refused by the breaker without calling
  int attempts = 0;                 // calls made (0 when the breaker refused)
  // When the upstream said when to come back (Retry-After) later than this client waits, or
  // the breaker refused the call (the rest of its cool-down): a job should run again after
  // this long.
  std::optional<std::chrono::milliseconds> retry_after;

  bool ok() const { return status >= 200 && status < 300; }
  // Case-insensitive; the first header of that name.
  std::optional<std::string_view> header(std::string_view name) const;
};

class BOOST_SYMBOL_VISIBLE HttpClient {
 public:
  virtual ~HttpClient();
  // Never throws for network or HTTP failures; they come back in the response.
  virtual OutboundResponse send(const OutboundRequest& request) = 0;
};

// application/x-www-form-urlencoded, as Twilio's API and its signatures expect.
std::string formEncode(const std::vector<std::pair<std::string, std::string>>& fields);
std::string percentEncode(std::string_view text);

}  // namespace switchboard
