// Delivers published events to the handlers YAML subscribes to each topic, inline on the
// publisher's thread. The subscription table is immutable and swapped atomically on reload.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "observability/metrics.h"
#include "switchboard/clock.h"
#include "switchboard/events.h"

namespace soci {
class session;
}

namespace switchboard::kernel::events {

struct Subscriber {
  std::string label;  // "plugin.handler", for logs
  const switchboard::TransactionalEventHandler* handler;
  std::string plugin;
  std::string name;
  bool async = false;  // through the inbox (see setAsyncSink)
  // In the publisher's transaction when it has one (a throw fails the publisher's attempt),
  // else as async.
  bool in_transaction = false;
};

// Stores an event for one async subscriber, inside `tx` when there is one; throws when it cannot.
using AsyncSink =
    std::function<void(const Subscriber&, const switchboard::Event&, soci::session* tx)>;

using SubscriptionTable = std::unordered_map<std::string, std::vector<Subscriber>>;

class Dispatcher {
 public:
  Dispatcher(observability::Metrics& metrics, const switchboard::Clock& clock,
             std::shared_ptr<spdlog::logger> log);

  // Fills id and time when unset; a handler that throws is logged and the others still run.
  // Throws when an async subscriber's delivery cannot be stored.
  std::string publish(switchboard::Event event);

  void setSubscriptions(std::shared_ptr<const SubscriptionTable> table) {
    table_.store(std::move(table));
  }
  // Set before serving when there is an inbox.
  void setAsyncSink(AsyncSink sink) { async_sink_ = std::move(sink); }

 private:
  void deliver(const Subscriber& subscriber, const switchboard::Event& event);

  observability::Metrics& metrics_;
  const switchboard::Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  AsyncSink async_sink_;
  std::atomic<std::shared_ptr<const SubscriptionTable>> table_{
      std::make_shared<const SubscriptionTable>()};
};

}  // namespace switchboard::kernel::events
