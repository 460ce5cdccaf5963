// SQLite statements are prepared once per connection and text (sqlite_statement_cache.cpp:
// the cache sits below SOCI, which has none). What it did, for the metrics.
#pragma once

#include <cstddef>
#include <cstdint>

namespace switchboard::kernel::storage {

struct SqliteStatementCacheStats {
  std::uint64_t hits = 0;    // prepares answered from the cache
  std::uint64_t misses = 0;  // cacheable prepares that compiled (and cached, room permitting)
  std::size_t cached = 0;    // statements held now, all connections
};

SqliteStatementCacheStats sqliteStatementCacheStats();

}  // namespace switchboard::kernel::storage
