#include "storage/sqlite_busy.h"

#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <thread>

namespace switchboard::kernel::storage {

namespace {
int retry(void* budget, int count) {
  constexpr int kFine = 100;  // tries at 100 µs: the first 10 ms
  const long waited_ms = count < kFine ? count / 10 : 10 + (count - kFine);
  if (waited_ms >= static_cast<const std::chrono::milliseconds*>(budget)->count()) return 0;
  std::this_thread::sleep_for(std::chrono::microseconds(count < kFine ? 100 : 1000));
  return 1;
}
}  // namespace

void retrySoon(soci::session& sqlite, const std::chrono::milliseconds& budget) {
  sqlite3_busy_handler(static_cast<soci::sqlite3_session_backend*>(sqlite.get_backend())->conn_,
                       retry, const_cast<std::chrono::milliseconds*>(&budget));
}

}  // namespace switchboard::kernel::storage
