#include "inbox/workers.h"

#include <pthread.h>
#include <soci/soci.h>

#include <algorithm>

#include "events/event_codec.h"
#include "events/publish_scope.h"
#include "storage/transaction_mark.h"
#include "switchboard/db.h"
#include "switchboard/errors.h"

namespace switchboard::kernel::inbox {
namespace {
const std::string kAbandoned =
    "no attempt left: the last one stopped without finishing or failing (the process died in "
    "it, or it outlived its lease), or inbox.retry.max_attempts was lowered";
}  // namespace

Workers::Workers(InboxStore& store, storage::Database& db, const plugins::HandlerRegistry& handlers,
                 const config::InboxConfig& config, const switchboard::Clock& clock,
                 observability::Metrics& metrics, std::shared_ptr<spdlog::logger> log,
                 std::string owner, std::string lane, int threads)
    : store_(store),
      db_(db),
      handlers_(handlers),
      config_(config),
      policy_{config.retry_base, config.retry_cap, config.max_attempts},
      clock_(clock),
      metrics_(metrics),
      log_(std::move(log)),
      owner_(std::move(owner)),
      lane_(std::move(lane)),
      threads_count_(threads < 0 ? config.workers : threads) {}

Workers::~Workers() {
  stop();
}

void Workers::start() {
  for (int i = 0; i < threads_count_; ++i) threads_.emplace_back([this, i] { loop(i); });
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
  const std::string name = lane_.empty() ? "sb-worker-" + std::to_string(index)
                                         : "sb-" + lane_.substr(0, 9) + "-" + std::to_string(index);
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
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
      if (index == 0 && lane_.empty() && std::chrono::steady_clock::now() >= next_purge) {
        next_purge = std::chrono::steady_clock::now() + std::chrono::minutes(1);
        const auto before =
            toMs(clock_.now()) -
            std::chrono::duration_cast<std::chrono::milliseconds>(config_.retention).count();
        if (const int purged = store_.purgeDone(before); purged > 0)
          log_->info("purged {} processed inbox items older than the retention", purged);
      }
    } catch (const std::exception& e) {
      log_->error("inbox worker {}: {}", index, e.what());
    }
    if (claimed > 0) continue;  // there may be more
    const auto idle = idleFor();
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, idle, [&] { return stopping_ || wakeups_ != seen; });
  }
}

std::chrono::milliseconds Workers::idleFor() {
  // Until the next retry or lease end when that is sooner than the poll: a commit wakes idle
  // workers for new rows, but nothing would wake them for a row that becomes due later. The
  // floor keeps rows another process holds locked (SKIP LOCKED) from making this spin.
  constexpr auto kFloor = std::chrono::milliseconds(5);
  try {
    if (const auto due = store_.nextDueMs(lane_)) {
      const auto until = std::chrono::milliseconds(*due - toMs(clock_.now()));
      return std::clamp(until, kFloor, std::max(kFloor, config_.poll));
    }
  } catch (const std::exception& e) {
    log_->error("inbox: cannot read the next due time: {}", e.what());
  }
  return config_.poll;
}

int Workers::runOnce() {
  const auto now = toMs(clock_.now());
  if (!db_.isPostgres() && !store_.anyDue(now, lane_)) return 0;
  const auto lease = std::chrono::duration_cast<std::chrono::milliseconds>(config_.lease).count();
  std::vector<Record> claimed;
  std::vector<const Record*> batch;
  std::vector<std::pair<const Record*, const switchboard::UpstreamCallJob*>> calls;
  std::vector<const Record*> abandoned;
  std::size_t next = 0;
  Chunk chunk;
  {
    // The claim commits with the first part of the batch's work: one transaction (on SQLite one
    // hold of its write lock) instead of two. Undone (a failed commit, a crash), the rows are
    // as they were: due, their attempt not counted. Undone by a power loss, the items are
    // processed again: their effects and their "done" marks go together.
    auto turn = db_.writeTurn();
    soci::session& sql = turn.session();
    soci::transaction tx(sql);
    claimed = store_.claim(sql, owner_, config_.batch, now, now + lease, lane_);
    if (claimed.empty()) return 0;
    std::vector<std::int64_t> abandoned_ids;
    for (auto& record : claimed) {
      // Claimed once more than max_attempts: its last attempt ended neither done nor failed
      // (a failure at max_attempts is dead already): the process died in it, or it outlived
      // the lease (or a reload lowered max_attempts). Dead, so that an item that crashes the
      // process cannot do it forever.
      if (record.attempts > config_.max_attempts) {
        --record.attempts;  // this claim is not counted (bury undoes it in the row too)
        abandoned.push_back(&record);
        abandoned_ids.push_back(record.item.id);
        continue;
      }
      const auto* call = record.kind == kind::kJob
                             ? handlers_.upstreamCall(record.item.source, record.handler)
                             : nullptr;
      if (call)
        calls.emplace_back(&record, call);
      else
        batch.push_back(&record);
    }
    store_.bury(sql, abandoned_ids, owner_, kAbandoned, now);
    // The upstream calls are made after this commit, outside any transaction, under the leases
    // it records.
    processChunk(sql, batch, next, nullptr, chunk);
    tx.commit();
  }
  for (const auto* record : abandoned) reportDead(*record, kAbandoned);
  metrics_.inbox_processed.fetch_add(chunk.done.size());
  if (after_commit_ && !chunk.done.empty()) after_commit_();
  for (auto& delivery : chunk.after_commit) delivery();
  for (const auto& failure : chunk.failed) recordFailure(failure);
  for (const auto& failure : processRest(batch, next)) recordFailure(failure);
  std::size_t made = 0;
  // One after another under one lease: past half of it, the calls not yet made go back to be
  // claimed afresh (by any worker), before a lease that ran out let another worker make a
  // call again that this one is still to make.
  for (; made < calls.size() && !stopping_ && toMs(clock_.now()) - now < lease / 2; ++made) {
    const auto& [record, call] = calls[made];
    metrics_.inbox_attempts.fetch_add(1);
    if (auto failure = processCall(*record, *call)) recordFailure(*failure);
  }
  // What is left was not begun (a stop, or the half lease): back to be claimed afresh, by the
  // next start or another worker, its attempt not counted (a stop is not an abandonment).
  std::vector<std::int64_t> unbegun;
  for (; next < batch.size(); ++next) unbegun.push_back(batch[next]->item.id);
  for (; made < calls.size(); ++made) unbegun.push_back(calls[made].first->item.id);
  giveBack(unbegun);
  return static_cast<int>(claimed.size());
}

void Workers::giveBack(const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return;
  try {
    auto turn = db_.writeTurn();
    store_.giveBack(turn.session(), ids, owner_, toMs(clock_.now()));
  } catch (const std::exception& e) {
    log_->error("inbox: cannot give back {} claimed items not begun; their leases will expire: {}",
                ids.size(), e.what());
  }
}

std::optional<Workers::Failure> Workers::processCall(const Record& record,
                                                     const switchboard::UpstreamCallJob& job) {
  std::string result;
  try {
    result = job.call(record.item);  // no transaction, no pooled session held
  } catch (const switchboard::RetryLater& e) {
    return Failure{&record, e.what(), e.after()};
  } catch (const std::exception& e) {
    return Failure{&record, e.what(), std::nullopt};
  }
  try {
    // Undone by a power loss, the call is made again under the same idempotency key, as after
    // a crash between the call and this commit.
    auto turn = db_.writeTurn();
    soci::session& sql = turn.session();
    soci::transaction tx(sql);
    if (!store_.holdLeases(sql, {record.item.id}, owner_).count(record.item.id)) {
      // Another worker reclaimed it (our call outlived the lease): it calls again with the same
      // idempotency key and records the result; recording it here too would do it twice.
      log_->warn("inbox item {}: lease lost during its upstream call; the new holder records it",
                 record.item.id);
      return std::nullopt;
    }
    std::vector<std::function<void()>> after_commit;
    {
      const auto session = db_.over(sql);
      const storage::TransactionMark mark;
      events::PublishScope scope(sql, *session, record.item.attempt);
      job.record(record.item, result, *session);
      after_commit = scope.takeDeferred();
    }
    store_.markDone(sql, {record.item.id}, toMs(clock_.now()));
    tx.commit();
    turn.unlock();
    metrics_.inbox_processed.fetch_add(1);
    for (auto& delivery : after_commit) delivery();
  } catch (const switchboard::RetryLater& e) {
    return Failure{&record, e.what(), e.after()};
  } catch (const std::exception& e) {
    return Failure{&record, std::string("recording the upstream's answer failed: ") + e.what(),
                   std::nullopt};
  }
  return std::nullopt;
}

void Workers::processChunk(soci::session& sql, const std::vector<const Record*>& batch,
                           std::size_t& next, const std::set<std::int64_t>* held, Chunk& chunk) {
  // A transaction holds SQLite's single write lock, which webhook acknowledgements wait for:
  // commit at least every kMaxHold, even in the middle of a batch.
  constexpr auto kMaxHold = std::chrono::milliseconds(20);
  const auto began = std::chrono::steady_clock::now();
  // Stopping: the rest is given back (runOnce), to be claimed by the next start or another worker.
  for (; next < batch.size() && !stopping_ && std::chrono::steady_clock::now() - began < kMaxHold;
       ++next) {
    const Record& record = *batch[next];
    metrics_.inbox_attempts.fetch_add(1);
    if (held && !held->count(record.item.id)) {
      log_->warn("inbox item {}: lease lost before processing; another worker has it",
                 record.item.id);
      continue;
    }
    const auto session = db_.over(sql);
    session->run("SAVEPOINT inbox_item", {});
    Failure failure{&record, {}, std::nullopt};
    try {
      const storage::TransactionMark mark;
      events::PublishScope scope(sql, *session, record.item.attempt);  // its events go with it
      runHandler(record, *session);
      session->run("RELEASE SAVEPOINT inbox_item", {});
      chunk.done.push_back(record.item.id);
      for (auto& delivery : scope.takeDeferred()) chunk.after_commit.push_back(std::move(delivery));
      continue;
    } catch (const switchboard::RetryLater& e) {
      failure.error = e.what();
      failure.after = e.after();
    } catch (const std::exception& e) {
      failure.error = e.what();
    } catch (...) {
      failure.error = "a non-standard exception";
    }
    session->run("ROLLBACK TO SAVEPOINT inbox_item", {});
    session->run("RELEASE SAVEPOINT inbox_item", {});
    chunk.failed.push_back(std::move(failure));
  }
  store_.markDone(sql, chunk.done, toMs(clock_.now()));
}

std::vector<Workers::Failure> Workers::processRest(const std::vector<const Record*>& batch,
                                                   std::size_t& next) {
  std::vector<Failure> failed;
  while (next < batch.size() && !stopping_) {
    const std::size_t first = next;
    Chunk chunk;
    try {
      auto turn = db_.writeTurn();
      soci::session& sql = turn.session();
      soci::transaction tx(sql);
      // Lock what is left of the batch and learn which leases are still ours (the last commit
      // let others in): one statement.
      std::vector<std::int64_t> ids;
      for (std::size_t i = next; i < batch.size(); ++i) ids.push_back(batch[i]->item.id);
      const auto held = store_.holdLeases(sql, ids, owner_);
      processChunk(sql, batch, next, &held, chunk);
      tx.commit();
    } catch (const std::exception& e) {
      // Nothing of this transaction is committed: each of its items, and the rest of the batch
      // (the next transaction would likely fail the same way), is retried after a backoff.
      log_->error("inbox: {} items could not be processed and committed: {}", batch.size() - first,
                  e.what());
      chunk = {};
      for (std::size_t i = first; i < batch.size(); ++i)
        chunk.failed.push_back({batch[i], e.what(), std::nullopt});
      next = batch.size();
    }
    metrics_.inbox_processed.fetch_add(chunk.done.size());
    for (auto& delivery : chunk.after_commit) delivery();
    failed.insert(failed.end(), chunk.failed.begin(), chunk.failed.end());
  }
  return failed;
}

void Workers::recordFailure(const Failure& failure) {
  const Record& record = *failure.record;
  const std::string& error = failure.error;
  metrics_.inbox_failures.fetch_add(1);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  auto delay =
      util::retryDelay(policy_, record.attempts, std::uniform_real_distribution<double>(0, 1)(rng));
  if (delay && failure.after) delay = std::max(*delay, *failure.after);
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
    reportDead(record, error);
  }
}

void Workers::reportDead(const Record& record, const std::string& error) {
  metrics_.inbox_dead.fetch_add(1);
  log_->error("inbox item {} ({} {}/{}) is dead after {} attempts: {}", record.item.id, record.kind,
              record.item.source, record.item.type, record.attempts, error);
  if (on_dead_) on_dead_(record, error);
}

void Workers::runHandler(const Record& record, switchboard::db::Session& tx) {
  const auto& item = record.item;
  if (record.kind == kind::kWebhook) {
    const auto* handler = handlers_.durable(item.source, record.handler);
    if (!handler)
      throw std::runtime_error("plugin '" + item.source + "' has no durable handler '" +
                               record.handler + "' running");
    handler->process(item, tx);
  } else if (record.kind == kind::kJob) {
    const auto* handler = handlers_.job(item.source, record.handler);
    if (!handler)
      throw std::runtime_error("plugin '" + item.source + "' has no job handler '" +
                               record.handler + "' running");
    (*handler)(item, tx);
  } else if (record.kind == kind::kEvent) {
    const auto* handler = handlers_.event(item.source, record.handler);
    if (!handler)
      throw std::runtime_error("plugin '" + item.source + "' has no event handler '" +
                               record.handler + "' running");
    (*handler)(events::fromJson(item.payload), switchboard::EventDelivery{&tx, item.attempt});
  } else {
    throw std::runtime_error("unknown inbox kind '" + record.kind + "'");
  }
}

}  // namespace switchboard::kernel::inbox
