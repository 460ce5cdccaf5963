// How a SQLite connection waits for the write lock another connection holds.
#pragma once

#include <soci/soci.h>

#include <chrono>

namespace switchboard::kernel::storage {

// SQLite's own waiting (behind busy_timeout) sleeps 1, 2, 5, 10 ... up to 100 ms between
// tries, so a short write (a webhook's group commit) that loses the race to a worker's batch
// waits tens of milliseconds after the lock is free. This tries again every 100 µs (every
// 1 ms after the first 10 ms) and answers SQLITE_BUSY once `budget` has passed.
// `budget` must outlive the connection's use (a static or a member).
void retrySoon(soci::session& sqlite, const std::chrono::milliseconds& budget);

}  // namespace switchboard::kernel::storage
