// The event bus as plugins see it: publish to a topic, register named handlers.
#pragma once

#include <boost/config.hpp>
#include <functional>
#include <string>

#include "switchboard/clock.h"

namespace switchboard::db {
class Session;
}  // namespace switchboard::db

namespace switchboard {

struct Event {
  std::string topic;           // "provider.something_happened"
  std::string payload = "{}";  // JSON text
  std::string id;              // unique; the bus assigns one when empty
  TimePoint time{};            // the bus sets now() when left at epoch
  std::string tenant;          // the tenant it concerns, empty when none
};

// May throw: the bus logs the failure with the event id and goes on with the other handlers.
using EventHandler = std::function<void(const Event&)>;

// How an event reached a handler. For an `async: true` subscription: the transaction that also
// marks the delivery done (write through it and the write happens exactly once) and the
// attempt (1 first). For `transaction: true`: the publisher's transaction and attempt when it
// published while processing an inbox item (a throw fails that attempt: both are retried
// together), else as async. Inline: no transaction, attempt 1.
struct EventDelivery {
  db::Session* tx = nullptr;
  int attempt = 1;
};
// Throwing from an async delivery retries it with backoff (RetryLater: no sooner than asked).
using TransactionalEventHandler = std::function<void(const Event&, const EventDelivery&)>;

class BOOST_SYMBOL_VISIBLE EventBus {
 public:
  virtual ~EventBus();
  // Delivers to the handlers YAML subscribes to the topic: inline ones now (a failure is
  // logged), async ones stored in the inbox (a failure to store throws). Returns the event id.
  // Called while an inbox item is processed (a durable webhook, a job, an async event), the
  // event belongs to that attempt: async deliveries are stored in its transaction and inline
  // ones run after it commits, so a failed attempt's events reach no one.
  virtual std::string publish(Event event) = 0;
  // Registers a handler that YAML `events:` refers to as `<plugin>.<name>`.
  virtual void handler(const std::string& name, EventHandler handler) = 0;
  // The same, for a handler that writes through the delivery's transaction.
  virtual void transactionalHandler(const std::string& name, TransactionalEventHandler handler) = 0;
};

}  // namespace switchboard
