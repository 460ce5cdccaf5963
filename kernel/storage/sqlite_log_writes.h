// A commit's write-ahead-log frames reach the file in one write instead of two per page.
#pragma once

#include <cstdint>

namespace switchboard::kernel::storage {

// Makes a VFS that wraps the default one the process's default (once; later calls do
// nothing). Every SQLite connection opened afterwards gets it. See sqlite_log_writes.cpp.
void coalesceSqliteLogWrites();

struct SqliteLogWriteStats {
  std::uint64_t writes_asked = 0;  // write-ahead-log writes SQLite asked for
  std::uint64_t writes_made = 0;   // writes that reached the file below
};
SqliteLogWriteStats sqliteLogWriteStats();

}  // namespace switchboard::kernel::storage
