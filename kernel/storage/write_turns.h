// Whose turn it is to write on SQLite (Database::writeTurn): one writer at a time, and a waiting
// urgent writer goes before the others.
#pragma once

#include <condition_variable>
#include <mutex>

namespace switchboard::kernel::storage {

class WriteTurns {
 public:
  // Waits until no one holds the turn and, unless `urgent`, no urgent writer waits for it.
  void take(bool urgent);
  void give();
  int waiting();  // how many writers wait for the turn now

 private:
  std::mutex mutex_;
  std::condition_variable given_;
  bool taken_ = false;
  int waiting_ = 0;
  int urgent_waiting_ = 0;
};

}  // namespace switchboard::kernel::storage
