// Copies SQLite's write-ahead log back into the database file from a thread of its own.
// SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 pages of log, with
// the write lock held and two flushes (log, then database) in it: a webhook's acknowledgement
// or a worker's batch paid for them. A passive checkpoint here blocks no writer and no reader.
// A backstop stands in for the automatic one (backstop()): a writer that never leaves this
// thread time to keep up still cannot grow the log without bound, however slow the disk.
#pragma once

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace switchboard::kernel::storage {

class WalCheckpointer {
 public:
  // Opens its own connection to `path`; `on_error` hears a failed checkpoint (it tries again
  // at the next tick).
  WalCheckpointer(const std::string& path, std::chrono::milliseconds every,
                  std::function<void(const std::string&)> on_error);
  ~WalCheckpointer();

  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Makes a connection that writes to the database pay for a checkpoint after any commit that
  // leaves more than kBackstopFrames in the log, waiting for this thread's checkpoint if one
  // is under way: back-pressure on a writer that outruns the thread. (SQLite's automatic
  // checkpoint, which this replaces on `writer`, is skipped when another connection is
  // checkpointing, so on a slow disk the log grew for as long as this thread's flush took.)
  void backstop(soci::session& writer);
  static constexpr int kBackstopFrames = 4096;  // 16 MB of 4 KB pages

 private:
  void loop();
  int checkpoint(const char* mode);  // the frames in the log
  static int afterCommit(void* self, sqlite_api::sqlite3* db, const char* schema, int frames);

  soci::session session_;
  std::chrono::milliseconds every_;
  std::function<void(const std::string&)> on_error_;
  std::vector<sqlite_api::sqlite3*> backstopped_;  // unhooked when this goes
  std::mutex checkpointing_;  // one checkpoint at a time: this thread's or a backstop's
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace switchboard::kernel::storage
