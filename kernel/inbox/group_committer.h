// Group commit: concurrent webhooks share one transaction (one fsync). Request threads hand
// in rows with a callback; one thread commits whatever has queued up and hands the batch's
// callbacks to a second thread, which calls them (they write the responses) while the first
// commits the next batch: a batch's socket writes cost as much CPU as its inserts.
#pragma once

#include <spdlog/logger.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "inbox/inbox_store.h"
#include "observability/metrics.h"

namespace switchboard::kernel::inbox {

struct CommitResult {
  bool stored = false;  // committed now, or found already stored (a duplicate)
  bool duplicate = false;
  std::string error;  // when not stored
};

class GroupCommitter {
 public:
  using Done = std::function<void(const CommitResult&)>;

  GroupCommitter(InboxStore& store, observability::Metrics& metrics,
                 std::shared_ptr<spdlog::logger> log, std::function<void()> after_commit,
                 std::size_t max_batch = 512);
  ~GroupCommitter();

  // `done` runs on the callback thread once the row is durable (or failed), in submit order.
  void submit(NewItem item, Done done);
  // Commits what is queued, then ends the thread; later submits fail at once.
  void stop();

 private:
  using Acks = std::vector<std::pair<Done, CommitResult>>;
  void loop();
  void ackLoop();

  InboxStore& store_;
  observability::Metrics& metrics_;
  std::shared_ptr<spdlog::logger> log_;
  std::function<void()> after_commit_;
  std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::pair<NewItem, Done>> queue_;
  bool stopping_ = false;
  std::mutex ack_mutex_;
  std::condition_variable ack_wake_;
  std::vector<Acks> acks_;
  bool committed_all_ = false;  // the commit thread ended: the callback thread ends when idle
  std::thread ack_thread_;
  std::thread thread_;
};

}  // namespace switchboard::kernel::inbox
