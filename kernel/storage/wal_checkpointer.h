// Copies SQLite's write-ahead log back into the database file from a thread of its own.
// SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 pages of log, with
// the write lock held and two flushes (log, then database) in it: a webhook's acknowledgement
// or a worker's batch paid for them. A passive checkpoint here blocks no writer and no reader.
// The automatic one stays as a backstop at a longer log (Database): a writer that never
// leaves a gap for this thread's restart still cannot grow the log without bound.
#pragma once

#include <soci/soci.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

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

 private:
  void loop();
  int checkpoint(const char* mode);  // the frames in the log

  soci::session session_;
  std::chrono::milliseconds every_;
  std::function<void(const std::string&)> on_error_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace switchboard::kernel::storage
