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

namespace switchboard::db {
class Session;
}  // namespace switchboard::db

namespace switchboard {

// What identify() says of an accepted webhook.
struct WebhookIdentity {
  std::string event_id;  // the provider's id; empty: the kernel uses the body's SHA-256
  std::string event_type;
  std::string tenant;                     // when the plugin can tell already; else empty
  std::vector<std::string> keep_headers;  // header names stored with the body (lower case)
  // Store the request-target (path and query, undecoded) too, for what only the URL carries
  // (the reference we put in a callback URL). Read back with InboxItem::target().
  bool keep_target = false;
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

  // The pseudo-header under which keep_target stores the target (no real header has a ':').
  static constexpr const char* kTargetHeader = ":target";
  // The webhook's request-target when its identity kept it; empty otherwise.
  std::string target() const {
    auto value = findHeader(headers, kTargetHeader);
    return value ? std::string(*value) : std::string();
  }
};

// A route marked `durable: true` points at one of these.
struct DurableHandler {
  // Checks the signature. Return a response (401, ...) to refuse: nothing is stored.
  std::function<std::optional<HttpResponse>(const HttpRequest&)> verify;
  // Names the event. Throw std::invalid_argument for a malformed body: 400, nothing stored.
  std::function<WebhookIdentity(const HttpRequest&)> identify;
  // Runs on a worker. `tx` is the transaction that also marks the item done: database work
  // done through it happens exactly once. Throw to retry later (with backoff).
  std::function<void(const InboxItem&, db::Session& tx)> process;
  // The acknowledgement once stored (or found a duplicate); 200 {"received":true} when unset.
  std::function<HttpResponse(const HttpRequest&)> acknowledge;
};

using JobHandler = std::function<void(const InboxItem&, db::Session& tx)>;

// "Call an upstream, then record what happened": the pattern for every side effect outside our
// database (a booking, an SMS, a refund). Never call an upstream inside a transaction: it would
// hold SQLite's write lock for seconds and be repeated with every retry of that transaction.
//
//  1. Where the decision is taken (a webhook's process(), an event handler, with its `tx`):
//     record the intent in your own table and enqueue a job in the same transaction, keyed by
//     the intent:   jobs.enqueue("send_sms", payload, now, "sms:" + intent_id, &tx);
//  2. `call` runs on a worker outside any transaction. Call the upstream with an idempotency
//     key derived from the job's key (item.key), so that a repeat gets the first answer:
//       OutboundRequest r("POST", url); r.idempotency_key = item.key;
//     For an upstream without idempotency keys, look the effect up by your own reference first
//     (e.g. a booking whose metadata holds the intent id) and return that instead of calling.
//     Return what `record` needs (e.g. the response's JSON). Throw to retry with backoff;
//     throw RetryLater for an upstream that said when.
//  3. `record` runs in a new transaction that also marks the job done: write the result once.
// A crash between 2 and 3 repeats 2 after the job's lease expires; the idempotency key (or the
// lookup) makes that repeat find the first call's effect, and 3 records it once. A job whose
// result is recorded is done, so it is never called again.
struct UpstreamCallJob {
  std::function<std::string(const InboxItem&)> call;
  std::function<void(const InboxItem&, const std::string& result, db::Session& tx)> record;
};

class BOOST_SYMBOL_VISIBLE Jobs {
 public:
  virtual ~Jobs();
  // Queues a job of `type` for this plugin's handler of that type. An idempotency key already
  // queued is not queued again. With `tx`, the job is inserted in that transaction (commits
  // with it). Returns false for a duplicate.
  virtual bool enqueue(const std::string& type, const std::string& payload, TimePoint run_at,
                       const std::string& idempotency_key, db::Session* tx = nullptr) = 0;
  // Registers the handler for jobs of `type` queued by this plugin (in configure()).
  virtual void handler(const std::string& type, JobHandler handler) = 0;
  // Registers jobs of `type` that call an upstream (see UpstreamCallJob), in configure().
  virtual void upstreamCall(const std::string& type, UpstreamCallJob job) = 0;
};

}  // namespace switchboard
