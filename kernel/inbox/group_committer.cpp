#include "inbox/group_committer.h"

#include <pthread.h>

namespace switchboard::kernel::inbox {

GroupCommitter::GroupCommitter(InboxStore& store, observability::Metrics& metrics,
                               std::shared_ptr<spdlog::logger> log,
                               std::function<void()> after_commit, std::size_t max_batch)
    : store_(store),
      metrics_(metrics),
      log_(std::move(log)),
      after_commit_(std::move(after_commit)),
      max_batch_(max_batch),
      ack_thread_([this] { ackLoop(); }),
      thread_([this] { loop(); }) {}

GroupCommitter::~GroupCommitter() {
  stop();
}

void GroupCommitter::submit(NewItem item, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.emplace_back(std::move(item), std::move(done));
      wake_.notify_one();
      return;
    }
  }
  done({false, false, "the server is shutting down"});
}

void GroupCommitter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(ack_mutex_);
    committed_all_ = true;
    ack_wake_.notify_one();
  }
  if (ack_thread_.joinable()) ack_thread_.join();
}

void GroupCommitter::loop() {
  pthread_setname_np(pthread_self(), "sb-commit");
  for (;;) {
    std::vector<std::pair<NewItem, Done>> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      if (queue_.size() <= max_batch_) {
        batch.swap(queue_);
      } else {
        batch.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + max_batch_));
        queue_.erase(queue_.begin(), queue_.begin() + max_batch_);
      }
    }
    std::vector<NewItem> rows;
    rows.reserve(batch.size());
    for (auto& [item, done] : batch) rows.push_back(std::move(item));
    std::vector<bool> inserted;
    std::vector<std::string> errors(batch.size());  // per row; empty: stored
    try {
      inserted = store_.insertBatch(rows);
    } catch (const std::exception& e) {
      log_->error("inbox commit of {} rows failed: {}", batch.size(), e.what());
      inserted.assign(batch.size(), false);
      if (batch.size() == 1) {
        errors[0] = e.what();
      } else {
        // One row the database refuses must not fail the other senders' rows: each alone.
        for (std::size_t i = 0; i < rows.size(); ++i) {
          try {
            inserted[i] = store_.insertBatch({std::move(rows[i])}).front();
          } catch (const std::exception& row_error) {
            errors[i] = row_error.what();
            log_->error("inbox row {} of a failed batch: {}", i, errors[i]);
          }
        }
      }
    }
    metrics_.inbox_commit_batches.fetch_add(1);
    metrics_.inbox_commit_rows.fetch_add(batch.size());
    auto max = metrics_.inbox_commit_batch_max.load();
    while (batch.size() > max &&
           !metrics_.inbox_commit_batch_max.compare_exchange_weak(max, batch.size())) {
    }
    Acks acks;
    acks.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      CommitResult result;
      if (errors[i].empty()) {
        result.stored = true;
        result.duplicate = !inserted[i];
      } else {
        result.error = errors[i];
      }
      acks.emplace_back(std::move(batch[i].second), std::move(result));
    }
    {
      std::lock_guard lock(ack_mutex_);
      acks_.push_back(std::move(acks));
      ack_wake_.notify_one();
    }
    if (after_commit_) after_commit_();
  }
}

void GroupCommitter::ackLoop() {
  pthread_setname_np(pthread_self(), "sb-commit-ack");
  for (;;) {
    std::vector<Acks> ready;
    {
      std::unique_lock lock(ack_mutex_);
      ack_wake_.wait(lock, [&] { return committed_all_ || !acks_.empty(); });
      if (acks_.empty()) return;  // the commit thread ended and everything was called back
      ready.swap(acks_);
    }
    for (auto& acks : ready)
      for (auto& [done, result] : acks) {
        try {
          done(result);
        } catch (const std::exception& e) {
          log_->error("inbox commit callback failed: {}", e.what());
        }
      }
  }
}

}  // namespace switchboard::kernel::inbox
