#include "storage/wal_checkpointer.h"

#include <pthread.h>

#include "storage/sqlite_busy.h"

namespace switchboard::kernel::storage {

namespace {
// The restart waits for the writer of the moment and holds new ones back while it waits for
// the log's readers: it gives up soon and tries again at the next tick.
constexpr std::chrono::milliseconds kBusyBudget{20};
}  // namespace

WalCheckpointer::WalCheckpointer(const std::string& path, std::chrono::milliseconds every,
                                 std::function<void(const std::string&)> on_error)
    : session_(*soci::factory_sqlite3(), "db=" + path + " timeout=10"),
      every_(every),
      on_error_(std::move(on_error)) {
  retrySoon(session_, kBusyBudget);
  thread_ = std::thread([this] { loop(); });  // once the connection is set up
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  for (auto* db : backstopped_) sqlite_api::sqlite3_wal_hook(db, nullptr, nullptr);
}

void WalCheckpointer::loop() {
  pthread_setname_np(pthread_self(), "sb-checkpoint");
  int quiet_frames = -1;  // the log's length at the last tick, when nothing was written since
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, every_, [this] { return stopping_; })) {
    lock.unlock();
    // The bulk (copying the log, flushing the database) without blocking anyone; then, with
    // little left to copy, a restart, so that the next writer starts the log from the top
    // instead of growing it: the log stays about one tick of writes long. A log nobody wrote
    // to for a whole tick is truncated: its disk space goes back.
    {
      std::lock_guard checkpointing(checkpointing_);
      const int frames = checkpoint("PASSIVE");
      if (frames > 0 && frames == quiet_frames) {
        checkpoint("TRUNCATE");
        quiet_frames = -1;
      } else if (frames > 0) {
        checkpoint("RESTART");
        quiet_frames = frames;
      }
    }
    lock.lock();
  }
}

void WalCheckpointer::backstop(soci::session& writer) {
  auto* db = static_cast<soci::sqlite3_session_backend*>(writer.get_backend())->conn_;
  sqlite_api::sqlite3_wal_hook(db, &WalCheckpointer::afterCommit, this);
  backstopped_.push_back(db);
}

// SQLite calls it after each commit, the transaction over and its locks released. A passive
// checkpoint copies the whole log when no reader holds an older snapshot (nothing is written
// meanwhile: the writer is here), and the next write then starts the log from the top.
int WalCheckpointer::afterCommit(void* self, sqlite_api::sqlite3* db, const char* schema,
                                 int frames) {
  if (frames <= kBackstopFrames) return SQLITE_OK;
  auto& checkpointer = *static_cast<WalCheckpointer*>(self);
  std::lock_guard checkpointing(checkpointer.checkpointing_);
  const int rc = sqlite_api::sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE,
                                                       nullptr, nullptr);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY && checkpointer.on_error_)
    checkpointer.on_error_(std::string("backstop checkpoint: ") + sqlite_api::sqlite3_errstr(rc));
  return SQLITE_OK;  // the commit stands whatever the checkpoint's fate
}

int WalCheckpointer::checkpoint(const char* mode) {
  try {
    int busy = 0, log_frames = 0, copied = 0;
    session_ << std::string("PRAGMA wal_checkpoint(") + mode + ")", soci::into(busy),
        soci::into(log_frames), soci::into(copied);
    return log_frames;
  } catch (const std::exception& e) {
    if (on_error_) on_error_(e.what());
    return 0;
  }
}

}  // namespace switchboard::kernel::storage
