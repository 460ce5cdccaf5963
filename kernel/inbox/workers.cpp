#include "inbox/workers.h"

#include <soci/soci.h>

#include "events/event_codec.h"

namespace sb::inbox {

Workers::Workers(InboxStore& store, storage::Database& db,
                 const plugins::HandlerRegistry& handlers, const config::InboxConfig& config,
                 const switchboard::Clock& clock, observability::Metrics& metrics,
                 std::shared_ptr<spdlog::logger> log, std::string owner)
    : store_(store),
      db_(db),
      handlers_(handlers),
      config_(config),
      policy_{config.retry_base, config.retry_cap, config.max_attempts},
      clock_(clock),
      metrics_(metrics),
      log_(std::move(log)),
      owner_(std::move(owner)) {}

Workers::~Workers() { stop(); }

void Workers::start() {
  for (int i = 0; i < config_.workers; ++i) threads_.emplace_back([this, i] { loop(i); });
}

void Workers::stop() {
  stopping_ = true;
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void Workers::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakeups_;
  }
  wake_.notify_one();
}

void Workers::loop(int index) {
  auto next_purge = std::chrono::steady_clock::now();
  while (!stopping_) {
    std::uint64_t seen;
    {
      std::lock_guard lock(mutex_);
      seen = wakeups_;
    }
    int claimed = 0;
    try {
      claimed = runOnce();
      if (index == 0 && std::chrono::steady_clock::now() >= next_purge) {
        next_purge = std::chrono::steady_clock::now() + std::chrono::minutes(1);
        const auto before = toMs(clock_.now()) -
                            std::chrono::duration_cast<std::chrono::milliseconds>(config_.retention).count();
        if (const int purged = store_.purgeDone(before); purged > 0)
          log_->info("purged {} processed inbox items older than the retention", purged);
      }
    } catch (const std::exception& e) {
      log_->error("inbox worker {}: {}", index, e.what());
    }
    if (claimed > 0) continue;  // there may be more
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, config_.poll, [&] { return stopping_ || wakeups_ != seen; });
  }
}

int Workers::runOnce() {
  const auto now = toMs(clock_.now());
  const auto lease = std::chrono::duration_cast<std::chrono::milliseconds>(config_.lease).count();
  const auto batch = store_.claim(owner_, config_.batch, now, now + lease);
  for (const auto& record : batch) {
    if (stopping_) {
      // Leave the rest to the lease: another worker or the next start claims them.
      break;
    }
    process(record);
  }
  return static_cast<int>(batch.size());
}

void Workers::runHandler(const Record& record, soci::session& tx) {
  const auto& item = record.item;
  if (record.kind == "webhook") {
    const auto* handler = handlers_.durable(item.source, record.handler);
    if (!handler) throw std::runtime_error("plugin '" + item.source + "' has no durable handler '" + record.handler + "' running");
    handler->process(item, tx);
  } else if (record.kind == "job") {
    const auto* handler = handlers_.job(item.source, record.handler);
    if (!handler) throw std::runtime_error("plugin '" + item.source + "' has no job handler '" + record.handler + "' running");
    (*handler)(item, tx);
  } else if (record.kind == "event") {
    const auto* handler = handlers_.event(item.source, record.handler);
    if (!handler) throw std::runtime_error("plugin '" + item.source + "' has no event handler '" + record.handler + "' running");
    (*handler)(events::fromJson(item.payload));
  } else {
    throw std::runtime_error("unknown inbox kind '" + record.kind + "'");
  }
}

void Workers::process(const Record& record) {
  metrics_.inbox_attempts.fetch_add(1);
  std::string error;
  try {
    auto session = db_.session();
    soci::transaction tx(*session);
    if (!store_.holdLease(*session, record.item.id, owner_)) {
      log_->warn("inbox item {}: lease lost before processing; another worker has it",
                 record.item.id);
      return;
    }
    runHandler(record, *session);
    store_.markDone(*session, record.item.id, toMs(clock_.now()));
    tx.commit();
    metrics_.inbox_processed.fetch_add(1);
    return;
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "a non-standard exception";
  }
  metrics_.inbox_failures.fetch_add(1);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto delay =
      retryDelay(policy_, record.attempts, std::uniform_real_distribution<double>(0, 1)(rng));
  const auto now = toMs(clock_.now());
  try {
    store_.markFailed(record.item.id, owner_, error,
                      delay ? std::optional<std::int64_t>(now + delay->count()) : std::nullopt,
                      now);
  } catch (const std::exception& e) {
    log_->error("inbox item {}: cannot record the failure ({}); its lease will expire",
                record.item.id, e.what());
    return;
  }
  if (delay) {
    log_->warn("inbox item {} ({} {}/{}) attempt {} failed: {}; retry in {} ms", record.item.id,
               record.kind, record.item.source, record.item.type, record.attempts, error,
               delay->count());
  } else {
    metrics_.inbox_dead.fetch_add(1);
    log_->error("inbox item {} ({} {}/{}) is dead after {} attempts: {}", record.item.id,
                record.kind, record.item.source, record.item.type, record.attempts, error);
  }
}

}  // namespace sb::inbox
