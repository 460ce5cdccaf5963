// Group commit: concurrent webhooks share one transaction (one fsync). Request threads hand
// in rows with a callback; one thread commits whatever has queued up, then calls back.
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

  // `done` runs on the committer thread once the row is durable (or failed).
  void submit(NewItem item, Done done);
  // Commits what is queued, then ends the thread; later submits fail at once.
  void stop();

 private:
  void loop();

  InboxStore& store_;
  observability::Metrics& metrics_;
  std::shared_ptr<spdlog::logger> log_;
  std::function<void()> after_commit_;
  std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::pair<NewItem, Done>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace switchboard::kernel::inbox
