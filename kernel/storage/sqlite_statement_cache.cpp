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
#include <sqlite3.h>

#include <cctype>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

using PrepareFn = int (*)(sqlite3*, const char*, int, sqlite3_stmt**, const char**);
using FinalizeFn = int (*)(sqlite3_stmt*);
using CloseFn = int (*)(sqlite3*);

template <typename Fn>
Fn real(const char* name) {
  // Resolved on first use: the symbols after ours in the lookup order, libsqlite3's.
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

PrepareFn realPrepare() {
  static const PrepareFn fn = real<PrepareFn>("sqlite3_prepare_v2");
  return fn;
}
FinalizeFn realFinalize() {
  static const FinalizeFn fn = real<FinalizeFn>("sqlite3_finalize");
  return fn;
}
CloseFn realClose() {
  static const CloseFn fn = real<CloseFn>("sqlite3_close");
  return fn;
}
CloseFn realCloseV2() {
  static const CloseFn fn = real<CloseFn>("sqlite3_close_v2");
  return fn;
}

// SQLite calls sqlite3_prepare_v2 itself (sqlite3_exec, schema loading) and may end those
// statements with its internal finalize, which never comes here: its own calls are passed
// through untouched.
bool fromSqlite(const void* caller) {
  static const void* const base = [] {
    Dl_info info{};
    return dladdr(reinterpret_cast<const void*>(realPrepare()), &info) ? info.dli_fbase : nullptr;
  }();
  Dl_info info{};
  return !dladdr(caller, &info) || info.dli_fbase == base;
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
  for (auto* stmt : idle) realFinalize()(stmt);
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
  const int rc = realPrepare()(db, sql, bytes, out, &end);
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
  return realFinalize()(stmt);
}

int sqlite3_close(sqlite3* db) {
  if (db) forget(db);
  return realClose()(db);
}

int sqlite3_close_v2(sqlite3* db) {
  if (db) forget(db);
  return realCloseV2()(db);
}

}  // extern "C"

namespace switchboard::kernel::storage {

SqliteStatementCacheStats sqliteStatementCacheStats() {
  auto& c = cache();
  std::lock_guard lock(c.mutex);
  return {c.hits, c.misses, c.in_use.size()};
}

}  // namespace switchboard::kernel::storage
