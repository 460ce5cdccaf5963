// Durable webhooks and jobs: stored first, acknowledged second, processed by workers with
// retries, exactly once per (source, key).
#pragma once

#include <boost/config.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/clock.h"
#include "switchboard/http.h"

namespace soci {
class session;
}

namespace switchboard {

// What identify() says of an accepted webhook.
struct WebhookIdentity {
  std::string event_id;  // the provider's id; empty: the kernel uses the body's SHA-256
  std::string event_type;
  std::string tenant;                     // when the plugin can tell already; else empty
  std::vector<std::string> keep_headers;  // header names stored with the body (lower case)
};

// A stored webhook or job, as a worker hands it to the plugin.
struct InboxItem {
  std::int64_t id = 0;
  std::string source;  // the plugin instance that owns it
  std::string type;    // event type or job type
  std::string key;     // provider event id or job idempotency key
  std::string tenant;
  std::string payload;  // the raw body, or the job's payload
  std::vector<HttpHeader> headers;
  int attempt = 1;  // 1 on the first try
  TimePoint received_at{};
};

// A route marked `durable: true` points at one of these.
struct DurableHandler {
  // Checks the signature. Return a response (401, ...) to refuse: nothing is stored.
  std::function<std::optional<HttpResponse>(const HttpRequest&)> verify;
  // Names the event. Throw std::invalid_argument for a malformed body: 400, nothing stored.
  std::function<WebhookIdentity(const HttpRequest&)> identify;
  // Runs on a worker. `tx` is the transaction that also marks the item done: database work
  // done through it happens exactly once. Throw to retry later (with backoff).
  std::function<void(const InboxItem&, soci::session& tx)> process;
  // The acknowledgement once stored (or found a duplicate); 200 {"received":true} when unset.
  std::function<HttpResponse(const HttpRequest&)> acknowledge;
};

using JobHandler = std::function<void(const InboxItem&, soci::session& tx)>;

class BOOST_SYMBOL_VISIBLE Jobs {
 public:
  virtual ~Jobs();
  // Queues a job of `type` for this plugin's handler of that type. An idempotency key already
  // queued is not queued again. With `tx`, the job is inserted in that transaction (commits
  // with it). Returns false for a duplicate.
  virtual bool enqueue(const std::string& type, const std::string& payload, TimePoint run_at,
                       const std::string& idempotency_key, soci::session* tx = nullptr) = 0;
  // Registers the handler for jobs of `type` queued by this plugin (in configure()).
  virtual void handler(const std::string& type, JobHandler handler) = 0;
};

}  // namespace switchboard
