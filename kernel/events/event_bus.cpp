#include "events/event_bus.h"

#include <memory>

#include "events/publish_scope.h"
#include "util/ids.h"

namespace switchboard::kernel::events {

Dispatcher::Dispatcher(observability::Metrics& metrics, const switchboard::Clock& clock,
                       std::shared_ptr<spdlog::logger> log)
    : metrics_(metrics), clock_(clock), log_(std::move(log)) {}

std::string Dispatcher::publish(switchboard::Event event) {
  if (event.id.empty()) event.id = util::randomId();
  if (event.time == switchboard::TimePoint{}) event.time = clock_.now();
  metrics_.events_published.fetch_add(1, std::memory_order_relaxed);

  const auto table = table_.load();
  const auto it = table->find(event.topic);
  if (it == table->end()) {
    log_->debug("event {} on {} has no subscribers", event.id, event.topic);
    return event.id;
  }
  // Inside an inbox item's processing, its transaction takes the deliveries (publish_scope.h).
  PublishScope* scope = PublishScope::current();
  std::exception_ptr not_stored;
  for (const auto& subscriber : it->second) {
    if (subscriber.in_transaction && scope) {
      // Part of the publisher's attempt: its failure is the publisher's (retried together).
      (*subscriber.handler)(event, switchboard::EventDelivery{&scope->session(), scope->attempt()});
      metrics_.events_handled.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (!subscriber.async && !subscriber.in_transaction) {
      if (scope) {
        metrics_.deliveries_deferred.fetch_add(1);
        // Settled once run, or when dropped unrun with a rolled-back attempt.
        auto settles = std::shared_ptr<void>(
            nullptr, [this](void*) { metrics_.deliveries_settled.fetch_add(1); });
        scope->defer([this, subscriber, event, settles]() mutable {
          deliver(subscriber, event);
          settles.reset();
        });
      } else
        deliver(subscriber, event);
      continue;
    }
    try {
      if (!async_sink_) throw std::logic_error("async subscription without an inbox");
      async_sink_(subscriber, event, scope ? &scope->tx() : nullptr);
    } catch (const std::exception& e) {
      metrics_.events_failed.fetch_add(1, std::memory_order_relaxed);
      log_->error("event {} on {}: cannot store it for {}: {}", event.id, event.topic,
                  subscriber.label, e.what());
      not_stored = std::current_exception();
    }
  }
  // An event that could not be stored for an async subscriber would be lost: the publisher
  // hears of it (a durable step then fails and is retried).
  if (not_stored) std::rethrow_exception(not_stored);
  return event.id;
}

void Dispatcher::deliver(const Subscriber& subscriber, const switchboard::Event& event) {
  try {
    (*subscriber.handler)(event, switchboard::EventDelivery{});
    metrics_.events_handled.fetch_add(1, std::memory_order_relaxed);
  } catch (const std::exception& e) {
    metrics_.events_failed.fetch_add(1, std::memory_order_relaxed);
    log_->error("event {} on {}: handler {} failed: {}", event.id, event.topic, subscriber.label,
                e.what());
  } catch (...) {
    metrics_.events_failed.fetch_add(1, std::memory_order_relaxed);
    log_->error("event {} on {}: handler {} failed with a non-standard exception", event.id,
                event.topic, subscriber.label);
  }
}

}  // namespace switchboard::kernel::events
