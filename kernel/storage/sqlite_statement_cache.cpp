// A prepared-statement cache for every SQLite connection in the process, kept below SOCI.
//
// SOCI 4.0 prepares every statement it runs anew and finalizes it after (it has no statement
// cache), and parsing was a quarter of an inbox worker's time. This file defines
// sqlite3_prepare_v2, sqlite3_finalize and sqlite3_close(_v2): linked into the executable, they
// take the place of libsqlite3's for every caller in the process (SOCI's backend and plugins
// alike; SQLite's own calls pass straight through) and forward to the real ones, found with
// dlsym(RTLD_NEXT). A "finalize" of a cached statement resets it and clears its bindings
// instead, and the next prepare of the same text on the same connection gets it back; closing
// a connection finalizes its cached statements first. Statements prepared with
// sqlite3_prepare_v2 recompile themselves when the schema changed, so a cached one behaves as
// a fresh one would.
//
// One statement per text and connection is cached (at most kPerConnection texts; later ones
// are not), and handed out only while idle (a second prepare of a text in use gets a statement
// of its own). Only plain data and transaction statements are cached (SELECT, INSERT, UPDATE,
// DELETE, WITH, REPLACE, SAVEPOINT, RELEASE, BEGIN, COMMIT, END, ROLLBACK): a PRAGMA does its
// work while it compiles (SQLite recompiles such statements on every run, so caching gains
// nothing), and a `*` column list is left alone too (see cacheable()).
#include "storage/sqlite_statement_cache.h"

#include <dlfcn.h>
#include <link.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

// libsqlite3's own functions (the symbols after ours in the lookup order) and where its code
// lies, found once.
struct Sqlite {
  int (*prepare)(sqlite3*, const char*, int, sqlite3_stmt**, const char**);
  int (*finalize)(sqlite3_stmt*);
  int (*close)(sqlite3*);
  int (*close_v2)(sqlite3*);
  std::uintptr_t code_begin = 0, code_end = 0;  // empty when not found: nothing is cached
};

const Sqlite& sqlite() {
  static const Sqlite s = [] {
    Sqlite out{};
    out.prepare = reinterpret_cast<decltype(out.prepare)>(dlsym(RTLD_NEXT, "sqlite3_prepare_v2"));
    out.finalize = reinterpret_cast<decltype(out.finalize)>(dlsym(RTLD_NEXT, "sqlite3_finalize"));
    out.close = reinterpret_cast<decltype(out.close)>(dlsym(RTLD_NEXT, "sqlite3_close"));
    out.close_v2 = reinterpret_cast<decltype(out.close_v2)>(dlsym(RTLD_NEXT, "sqlite3_close_v2"));
    // The loaded object holding the real prepare: its segments' span.
    dl_iterate_phdr(
        [](dl_phdr_info* object, std::size_t, void* data) {
          auto& found = *static_cast<Sqlite*>(data);
          const auto target = reinterpret_cast<std::uintptr_t>(found.prepare);
          std::uintptr_t begin = UINTPTR_MAX, end = 0;
          for (int i = 0; i < object->dlpi_phnum; ++i) {
            const auto& segment = object->dlpi_phdr[i];
            if (segment.p_type != PT_LOAD) continue;
            const std::uintptr_t start = object->dlpi_addr + segment.p_vaddr;
            begin = std::min(begin, start);
            end = std::max(end, start + segment.p_memsz);
          }
          if (target < begin || target >= end) return 0;
          found.code_begin = begin;
          found.code_end = end;
          return 1;
        },
        &out);
    return out;
  }();
  return s;
}

// SQLite calls sqlite3_prepare_v2 itself (sqlite3_exec, schema loading) and may end those
// statements with its internal finalize, which never comes here: its own calls are passed
// through untouched.
bool fromSqlite(const void* caller) {
  const auto at = reinterpret_cast<std::uintptr_t>(caller);
  const auto& s = sqlite();
  return s.code_begin == s.code_end || (at >= s.code_begin && at < s.code_end);
}

constexpr std::size_t kPerConnection = 256;  // distinct texts cached per connection, at most

struct Cache {
  std::mutex mutex;
  // connection → text → its cached statement
  std::unordered_map<sqlite3*, std::unordered_map<std::string, sqlite3_stmt*>> by_text;
  std::unordered_map<sqlite3_stmt*, bool> in_use;  // every cached statement
  std::uint64_t hits = 0, misses = 0;
};

Cache& cache() {
  static auto* c = new Cache;  // never destroyed: connections may close during exit
  return *c;
}

bool cacheable(std::string_view sql) {
  // A `*` column list is expanded when the statement compiles, and a schema change recompiles
  // it only at its next step: SOCI reads the columns before that. COUNT(*) is no such list.
  for (std::size_t star = sql.find('*'); star != std::string_view::npos;
       star = sql.find('*', star + 1))
    if (star == 0 || sql[star - 1] != '(') return false;
  std::size_t i = 0;
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  std::string word;
  while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])) && word.size() < 10)
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++])));
  for (const char* w : {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "REPLACE", "SAVEPOINT",
                        "RELEASE", "BEGIN", "COMMIT", "END", "ROLLBACK"})
    if (word == w) return true;
  return false;
}

bool onlySpaceAfter(const char* tail, const char* end) {
  for (; tail < end; ++tail)
    if (!std::isspace(static_cast<unsigned char>(*tail))) return false;
  return true;
}

// Before `db` closes: finalizes its idle cached statements and forgets the rest (one still in
// use is finalized by its user, then as any uncached statement).
void forget(sqlite3* db) {
  std::vector<sqlite3_stmt*> idle;
  {
    auto& c = cache();
    std::lock_guard lock(c.mutex);
    auto it = c.by_text.find(db);
    if (it == c.by_text.end()) return;
    for (const auto& [sql, stmt] : it->second) {
      if (!c.in_use.at(stmt)) idle.push_back(stmt);
      c.in_use.erase(stmt);
    }
    c.by_text.erase(it);
  }
  for (auto* stmt : idle) sqlite().finalize(stmt);
}

}  // namespace

extern "C" {

int sqlite3_prepare_v2(sqlite3* db, const char* sql, int bytes, sqlite3_stmt** out,
                       const char** tail) {
  const std::size_t size = bytes < 0 ? std::strlen(sql) : static_cast<std::size_t>(bytes);
  const std::string_view text(sql, size);
  const bool may_cache = db && out && cacheable(text) && !fromSqlite(__builtin_return_address(0));
  auto& c = cache();
  if (may_cache) {
    std::lock_guard lock(c.mutex);
    if (auto conn = c.by_text.find(db); conn != c.by_text.end())
      if (auto hit = conn->second.find(std::string(text)); hit != conn->second.end()) {
        if (bool& busy = c.in_use.at(hit->second); !busy) {
          busy = true;
          ++c.hits;
          *out = hit->second;
          if (tail) *tail = sql + size;
          return SQLITE_OK;
        }
      }
  }
  const char* end = nullptr;
  const int rc = sqlite().prepare(db, sql, bytes, out, &end);
  if (tail) *tail = end;
  if (rc != SQLITE_OK || !may_cache || !*out || !onlySpaceAfter(end, sql + size)) return rc;
  std::lock_guard lock(c.mutex);
  ++c.misses;
  auto& texts = c.by_text[db];
  if (texts.size() < kPerConnection && texts.emplace(std::string(text), *out).second)
    c.in_use.emplace(*out, true);
  return rc;
}

int sqlite3_finalize(sqlite3_stmt* stmt) {
  if (stmt) {
    auto& c = cache();
    std::unique_lock lock(c.mutex);
    if (c.in_use.count(stmt)) {
      lock.unlock();
      // Back to the state a fresh prepare leaves: reset, no bindings. sqlite3_reset reports
      // the last step's error, as sqlite3_finalize would.
      const int rc = sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
      lock.lock();
      if (auto it = c.in_use.find(stmt); it != c.in_use.end()) it->second = false;
      return rc;
    }
  }
  return sqlite().finalize(stmt);
}

int sqlite3_close(sqlite3* db) {
  if (db) forget(db);
  return sqlite().close(db);
}

int sqlite3_close_v2(sqlite3* db) {
  if (db) forget(db);
  return sqlite().close_v2(db);
}

}  // extern "C"

namespace switchboard::kernel::storage {

SqliteStatementCacheStats sqliteStatementCacheStats() {
  auto& c = cache();
  std::lock_guard lock(c.mutex);
  return {c.hits, c.misses, c.in_use.size()};
}

}  // namespace switchboard::kernel::storage
