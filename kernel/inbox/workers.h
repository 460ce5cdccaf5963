// Workers that claim due inbox items and hand them to their plugins inside the transaction that
// claimed them and marks them done (each item in its own savepoint, so one failure undoes only
// its own effects); a failed item gets a retry (backoff with full jitter) or the dead state, and
// so does one whose processing was abandoned (the process died in it) at its last attempt.
// One commit per batch, not per item, and none for the claim alone.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "inbox/inbox_store.h"
#include "observability/metrics.h"
#include "plugin_host/handler_registry.h"
#include "switchboard/clock.h"
#include "util/backoff.h"

namespace switchboard::kernel::inbox {

class Workers {
 public:
  // `lane`: the rows these workers claim ("" the inbox's own: webhooks, events, jobs; else an
  // upstream job type's, "<plugin>.<type>"), with `threads` threads (the config's `workers`
  // when negative).
  Workers(InboxStore& store, storage::Database& db, const plugins::HandlerRegistry& handlers,
          const config::InboxConfig& config, const switchboard::Clock& clock,
          observability::Metrics& metrics, std::shared_ptr<spdlog::logger> log, std::string owner,
          std::string lane = "", int threads = -1);
  ~Workers();

  void start();
  // Lets each worker finish its current item and give back the rest of its claim, then joins
  // them.
  void stop();
  // Wakes an idle worker (new rows were committed).
  void wake();

  // Claims and processes one batch on the calling thread; returns how many items it claimed.
  int runOnce();

  const std::string& owner() const { return owner_; }
  const std::string& lane() const { return lane_; }
  // Called after each commit of processed items (what they queued may be another lane's).
  void afterCommit(std::function<void()> fn) { after_commit_ = std::move(fn); }

  // Told of each item that will not be tried again (set before start()).
  using DeadListener = std::function<void(const Record& record, const std::string& error)>;
  void onDead(DeadListener listener) { on_dead_ = std::move(listener); }

 private:
  void loop(int index);
  // How long an idle worker waits before it looks again (unless woken).
  std::chrono::milliseconds idleFor();
  struct Failure {
    const Record* record;
    std::string error;
    std::optional<std::chrono::milliseconds> after;  // RetryLater: no sooner than this
  };
  // What one transaction did with part of a batch.
  struct Chunk {
    std::vector<std::int64_t> done;
    std::vector<Failure> failed;
    std::vector<std::function<void()>> after_commit;  // inline event deliveries
  };
  // Runs batch[next...] in `sql`'s transaction, each item in a savepoint, until the transaction
  // has held SQLite's write lock for long enough; marks the processed ones done. `held`: the
  // items whose leases are still ours (all of them when nullptr). Advances `next`.
  void processChunk(soci::session& sql, const std::vector<const Record*>& batch, std::size_t& next,
                    const std::set<std::int64_t>* held, Chunk& chunk);
  // Runs batch[next...] in as many transactions as it takes (until a stop); returns the items
  // that failed. Advances `next`.
  std::vector<Failure> processRest(const std::vector<const Record*>& batch, std::size_t& next);
  // Claimed items not begun: back to pending, due now, their attempt not counted.
  void giveBack(const std::vector<std::int64_t>& ids);
  // An upstream call job: its call outside any transaction, then its record step in its own.
  std::optional<Failure> processCall(const Record& record, const switchboard::UpstreamCallJob& job);
  void recordFailure(const Failure& failure);
  void reportDead(const Record& record, const std::string& error);
  void runHandler(const Record& record, switchboard::db::Session& tx);

  InboxStore& store_;
  storage::Database& db_;
  const plugins::HandlerRegistry& handlers_;
  config::InboxConfig config_;
  util::RetryPolicy policy_;
  const switchboard::Clock& clock_;
  observability::Metrics& metrics_;
  std::shared_ptr<spdlog::logger> log_;
  std::string owner_;
  std::string lane_;
  int threads_count_;
  std::function<void()> after_commit_;
  DeadListener on_dead_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t wakeups_ = 0;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace switchboard::kernel::inbox
