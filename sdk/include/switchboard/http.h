// HTTP as plugins see it: plain value types, no server library leaks through.
#pragma once

#include <boost/config.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard {

struct HttpHeader {
  std::string name;  // lower case on requests; as given on responses
  std::string value;
};

// ASCII case-insensitive equality (header names).
bool iequals(std::string_view a, std::string_view b);
// Case-insensitive; the first header of that name.
std::optional<std::string_view> findHeader(const std::vector<HttpHeader>& headers,
                                           std::string_view name);

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string
  std::string target;  // the request-target as received, undecoded (Twilio signs the URL)
  std::vector<std::pair<std::string, std::string>>
      query;  // decoded, in arrival order, repeats kept
  std::vector<std::pair<std::string, std::string>> params;  // path parameters ({id} in routes)
  std::vector<HttpHeader> headers;
  std::string body;  // raw bytes, as received
  std::string request_id;
  std::string remote_address;

  // Case-insensitive; the first header of that name.
  std::optional<std::string_view> header(std::string_view name) const;
  std::optional<std::string_view> param(std::string_view name) const;
  std::optional<std::string_view> queryParam(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<HttpHeader> headers;
  std::string body;

  HttpResponse& header(std::string name, std::string value);

  static HttpResponse json(int status, std::string body);
  static HttpResponse text(int status, std::string body);
  static HttpResponse empty(int status);
  // {"error": {"status": 400, "message": "...", "request_id": "..."}}: the one error shape.
  static HttpResponse error(const HttpRequest& request, int status, std::string_view message);
};

// %XX decoded ('+' as a space when `plus_is_space`: query strings and form bodies).
std::string percentDecode(std::string_view text, bool plus_is_space);
// An application/x-www-form-urlencoded body or query string: decoded pairs in order, repeats
// kept (Twilio's callbacks; a request's query is already split this way).
std::vector<std::pair<std::string, std::string>> formDecode(std::string_view text);

// Runs on a server worker thread; may throw (the kernel answers 500 with the request id).
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct DurableHandler;  // switchboard/inbox.h

// Where a plugin registers the named handlers that YAML routes point at.
class BOOST_SYMBOL_VISIBLE HttpRegistry {
 public:
  virtual ~HttpRegistry();
  virtual void handler(const std::string& name, HttpHandler handler) = 0;
  // For routes marked `durable: true`: verified, stored, acknowledged, processed by workers.
  virtual void durable(const std::string& name, DurableHandler handler) = 0;
  // A handler that waits on an upstream (a provider's API) while its client waits, e.g. a
  // voice agent's tool call: it runs on the kernel's pool for such handlers
  // (server.upstream_threads), so the connection's thread goes on serving the others.
  virtual void upstreamHandler(const std::string& name, HttpHandler handler) = 0;
};

}  // namespace switchboard
