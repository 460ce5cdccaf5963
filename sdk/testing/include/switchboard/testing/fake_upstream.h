// A fake upstream API for plugin tests: a real HTTP/1.1 server on a loopback port that a test
// scripts per route (answer, status, delay, Retry-After, fail the next N, drop the connection),
// that records every request it got, and that waits for requests without sleeping.
//
//   switchboard::testing::FakeUpstream api;
//   api.on("POST", "/v2/bookings", Reply::json(201, R"({"status":"success"})"));
//   api.failNext("POST", "/v2/bookings", 2, Reply::json(503, "{}").header("Retry-After", "1"));
//   ... point the plugin's base_url at api.url() ...
//   auto got = api.waitFor("POST", "/v2/bookings", 3, std::chrono::seconds(5));
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/http.h"

namespace switchboard::testing {

struct RecordedRequest {
  std::string method;
  std::string target;                                      // as sent: path and query, undecoded
  std::string path;                                        // decoded, without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::vector<HttpHeader> headers;                         // names in lower case
  std::string body;
  std::chrono::steady_clock::time_point at;  // when it was complete

  std::optional<std::string_view> header(std::string_view name) const;
  std::optional<std::string> queryParam(std::string_view name) const;
  // A field of an application/x-www-form-urlencoded body.
  std::optional<std::string> formField(std::string_view name) const;
};

struct Reply {
  int status = 200;
  std::vector<HttpHeader> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // wait this long before answering
  bool drop = false;                   // close the connection without an answer

  Reply() = default;
  explicit Reply(int status_) : status(status_) {}
  static Reply json(int status, std::string body);
  static Reply text(int status, std::string body);
  static Reply dropConnection();
  Reply& header(std::string name, std::string value);
  Reply& after(std::chrono::milliseconds wait);
};

using Responder = std::function<Reply(const RecordedRequest&)>;

class FakeUpstream {
 public:
  FakeUpstream();  // listens on 127.0.0.1, a free port
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:<port>"

  // Answers METHOD `path` (exact, or a prefix when it ends in '*'); the latest script for a
  // route wins. Unscripted requests get 404 {"error":"not scripted"} (and are recorded).
  void on(const std::string& method, const std::string& path, Reply reply);
  void on(const std::string& method, const std::string& path, Responder responder);
  // The next `n` requests to the route get `reply`, then its script answers again.
  void failNext(const std::string& method, const std::string& path, int n,
                Reply reply = Reply::json(503, R"({"error":"unavailable"})"));

  std::vector<RecordedRequest> requests() const;
  std::vector<RecordedRequest> requests(const std::string& method, const std::string& path) const;
  // Blocks until at least `count` requests to the route arrived (then returns them all) or
  // `timeout` passed (then returns what arrived).
  std::vector<RecordedRequest> waitFor(const std::string& method, const std::string& path,
                                       std::size_t count, std::chrono::milliseconds timeout) const;
  void forgetRequests();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// What a webhook sender got back from the server under test.
struct Delivery {
  int status = 0;
  std::vector<HttpHeader> headers;
  std::string body;
  std::string error;  // no answer
};

// Sends a webhook as a provider would: a POST of `body` with `headers` (the test computes the
// provider's signature header with switchboard/crypto.h). Plain HTTP/1.1 over loopback.
Delivery postWebhook(const std::string& url, const std::string& body,
                     const std::vector<HttpHeader>& headers,
                     const std::string& content_type = "application/json");
// Any request to the server under test (an admin GET, a health check).
Delivery httpRequest(const std::string& method, const std::string& url,
                     const std::string& body = "", const std::vector<HttpHeader>& headers = {});

}  // namespace switchboard::testing
