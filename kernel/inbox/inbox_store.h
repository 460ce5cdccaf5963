// SQL over the `inbox` table (schema/migrations): insert with dedupe, claim with a lease
// (FOR UPDATE SKIP LOCKED on PostgreSQL), finish, fail, replay, purge, count.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/database.h"
#include "switchboard/inbox.h"

namespace switchboard::kernel::inbox {

std::int64_t toMs(switchboard::TimePoint t);
switchboard::TimePoint fromMs(std::int64_t ms);

// What an inbox row is, as stored in its `kind` column.
namespace kind {
inline constexpr const char* kWebhook = "webhook";  // a durable route's request
inline constexpr const char* kJob = "job";          // a plugin's job (Host::jobs())
inline constexpr const char* kEvent = "event";      // an async subscriber's delivery
}  // namespace kind

struct NewItem {
  std::string kind;  // one of kind::*
  std::string source;
  std::string handler;
  std::string type;
  std::string dedupe_key;
  std::string tenant;
  std::string payload;
  std::vector<switchboard::HttpHeader> headers;
  std::int64_t received_ms = 0;
  std::int64_t run_at_ms = 0;
  std::string lane;  // the workers that claim it: "" the inbox's, else an upstream job's lane
};

struct Record {
  switchboard::InboxItem item;
  std::string kind;
  std::string handler;
  std::string state;
  std::string last_error;
  int attempts = 0;
  std::int64_t run_at_ms = 0;
  std::int64_t finished_at_ms = 0;
};

struct StateCount {
  std::string state;
  std::int64_t count = 0;
  std::int64_t oldest_received_ms = 0;
};

class InboxStore {
 public:
  explicit InboxStore(storage::Database& db) : db_(db) {}

  // All rows in one transaction; per row true when inserted, false when a duplicate.
  std::vector<bool> insertBatch(std::vector<NewItem>& items);  // `items` intact afterwards
  std::vector<bool> insertBatch(std::vector<NewItem>&& items) { return insertBatch(items); }
  // One row inside the caller's transaction.
  bool insert(soci::session& tx, const NewItem& item);

  // Marks up to `limit` due rows (pending and due, or running with an expired lease) as
  // running under `owner` until `lease_until_ms`, counting the attempt. A running row's
  // run_at_ms is its lease's end: when it may be claimed again.
  // In the caller's transaction (the claims commit with it), or in a transaction of its own.
  // Only rows of `lane` ("" for the inbox's own workers).
  std::vector<Record> claim(soci::session& tx, const std::string& owner, int limit,
                            std::int64_t now_ms, std::int64_t lease_until_ms,
                            const std::string& lane = "");
  std::vector<Record> claim(const std::string& owner, int limit, std::int64_t now_ms,
                            std::int64_t lease_until_ms, const std::string& lane = "");
  // Whether a row of `lane` is due, read without a lock: on SQLite a claim's UPDATE takes the
  // single write lock even when it matches nothing, and would wait for it behind every writer.
  bool anyDue(std::int64_t now_ms, const std::string& lane = "");
  // Inside the processing transaction: which of these rows are still ours? (and locks them)
  std::set<std::int64_t> holdLeases(soci::session& tx, const std::vector<std::int64_t>& ids,
                                    const std::string& owner);
  void markDone(soci::session& tx, const std::vector<std::int64_t>& ids, std::int64_t now_ms);
  // Rows still leased to `owner` whose work was not begun: pending and due at `now_ms`, the
  // claim's attempt not counted.
  void giveBack(soci::session& tx, const std::vector<std::int64_t>& ids, const std::string& owner,
                std::int64_t now_ms);
  // Rows just claimed by `owner` that are not to be processed: dead with `error`, the claim's
  // attempt not counted.
  void bury(soci::session& tx, const std::vector<std::int64_t>& ids, const std::string& owner,
            const std::string& error, std::int64_t now_ms);
  // Back to pending at `retry_at_ms`, or to dead when it is nullopt.
  void markFailed(std::int64_t id, const std::string& owner, const std::string& error,
                  std::optional<std::int64_t> retry_at_ms, std::int64_t now_ms);
  // When the earliest pending row of `lane` is due or its earliest lease ends; nullopt: none.
  std::optional<std::int64_t> nextDueMs(const std::string& lane = "");
  // Makes every running row claimable now (a single-process SQLite inbox after a restart).
  int releaseLeases();

  std::vector<Record> list(const std::optional<std::string>& state, int limit);
  std::optional<Record> get(std::int64_t id);
  // Back to pending with its attempts reset; false when there is no such row or it is running.
  bool replay(std::int64_t id, std::int64_t now_ms);
  int replayDead(std::int64_t now_ms);
  int purgeDone(std::int64_t finished_before_ms);
  std::vector<StateCount> counts();

 private:
  std::vector<bool> insertEach(soci::session& tx, std::vector<NewItem>& items);
  std::vector<bool> insertMultiRow(soci::session& tx, const std::vector<NewItem>& items);

  storage::Database& db_;
};

std::string headersToJson(const std::vector<switchboard::HttpHeader>& headers);
std::vector<switchboard::HttpHeader> headersFromJson(const std::string& json);

}  // namespace switchboard::kernel::inbox
