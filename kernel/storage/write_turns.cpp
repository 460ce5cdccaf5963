#include "storage/write_turns.h"

namespace switchboard::kernel::storage {

void WriteTurns::take(bool urgent) {
  std::unique_lock lock(mutex_);
  ++waiting_;
  if (urgent) {
    ++urgent_waiting_;
    given_.wait(lock, [&] { return !taken_; });
    --urgent_waiting_;
  } else {
    given_.wait(lock, [&] { return !taken_ && urgent_waiting_ == 0; });
  }
  --waiting_;
  taken_ = true;
}

void WriteTurns::give() {
  {
    std::lock_guard lock(mutex_);
    taken_ = false;
  }
  // Everyone looks: an urgent writer among them takes it, else whichever wakes first.
  given_.notify_all();
}

int WriteTurns::waiting() {
  std::lock_guard lock(mutex_);
  return waiting_;
}

}  // namespace switchboard::kernel::storage
