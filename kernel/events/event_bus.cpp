#include "events/event_bus.h"

#include "util/ids.h"

namespace sb::events {

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
  std::exception_ptr not_stored;
  for (const auto& subscriber : it->second) {
    try {
      if (subscriber.async) {
        if (!async_sink_) throw std::logic_error("async subscription without an inbox");
        try {
          async_sink_(subscriber, event);
        } catch (...) {
          not_stored = std::current_exception();
          throw;
        }
        continue;
      }
      (*subscriber.handler)(event);
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
  // An event that could not be stored for an async subscriber would be lost: the publisher
  // hears of it (a durable step then fails and is retried).
  if (not_stored) std::rethrow_exception(not_stored);
  return event.id;
}

}  // namespace sb::events
