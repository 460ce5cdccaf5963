#include "inbox/inbox_store.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <soci/soci.h>

#include <map>
#include <set>
#include <tuple>

#include "storage/prepared_statements.h"

namespace switchboard::kernel::inbox {
namespace {

// The body and headers live in inbox_payloads (written once; the inbox row changes state).
// Scalar subqueries, not a join, so that a claim's UPDATE can return them too.
constexpr const char* kColumns =
    "id, kind, source, handler, type, dedupe_key, tenant, "
    "(SELECT payload FROM inbox_payloads p WHERE p.id = inbox.id), "
    "(SELECT headers FROM inbox_payloads p WHERE p.id = inbox.id), state, attempts, "
    "run_at_ms, received_at_ms, last_error, finished_at_ms";

constexpr const char* kInsertPayload =
    "INSERT INTO inbox_payloads (id, payload, headers) VALUES ($1, $2, $3)";

// A column that may be NULL, read as "" or 0.
std::string textAt(const switchboard::db::Row& row, std::size_t i) {
  return row.get<std::optional<std::string>>(i).value_or("");
}
std::int64_t int64At(const switchboard::db::Row& row, std::size_t i) {
  return row.get<std::optional<std::int64_t>>(i).value_or(0);
}

Record fromRow(const switchboard::db::Row& row) {
  Record r;
  r.item.id = int64At(row, 0);
  r.kind = textAt(row, 1);
  r.item.source = textAt(row, 2);
  r.handler = textAt(row, 3);
  r.item.type = textAt(row, 4);
  r.item.key = textAt(row, 5);
  r.item.tenant = textAt(row, 6);
  r.item.payload = textAt(row, 7);
  r.item.headers = headersFromJson(textAt(row, 8));
  r.state = textAt(row, 9);
  r.attempts = static_cast<int>(int64At(row, 10));
  r.item.attempt = r.attempts;
  r.run_at_ms = int64At(row, 11);
  r.item.received_at = fromMs(int64At(row, 12));
  r.last_error = textAt(row, 13);
  r.finished_at_ms = int64At(row, 14);
  return r;
}

std::vector<Record> rows(const switchboard::db::Rows& found) {
  std::vector<Record> out;
  out.reserve(found.size());
  for (const auto& row : found) out.push_back(fromRow(row));
  return out;
}

}  // namespace

std::int64_t toMs(switchboard::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

switchboard::TimePoint fromMs(std::int64_t ms) {
  return switchboard::TimePoint(std::chrono::milliseconds(ms));
}

std::string headersToJson(const std::vector<switchboard::HttpHeader>& headers) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartArray();
  for (const auto& h : headers) {
    w.StartArray();
    w.String(h.name.c_str(), static_cast<rapidjson::SizeType>(h.name.size()));
    w.String(h.value.c_str(), static_cast<rapidjson::SizeType>(h.value.size()));
    w.EndArray();
  }
  w.EndArray();
  return out.GetString();
}

std::vector<switchboard::HttpHeader> headersFromJson(const std::string& json) {
  std::vector<switchboard::HttpHeader> out;
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  if (doc.HasParseError() || !doc.IsArray()) return out;
  for (const auto& pair : doc.GetArray())
    if (pair.IsArray() && pair.Size() == 2 && pair[0].IsString() && pair[1].IsString())
      out.push_back({pair[0].GetString(), pair[1].GetString()});
  return out;
}

bool InboxStore::insert(soci::session& tx, const NewItem& item) {
  const auto s = db_.over(tx);
  const auto row = s->one(
      "INSERT INTO inbox (kind, source, handler, type, dedupe_key, tenant, state, attempts, "
      "run_at_ms, received_at_ms, lane) VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $8, "
      "$9) ON CONFLICT DO NOTHING RETURNING id",
      item.kind, item.source, item.handler, item.type, item.dedupe_key, item.tenant, item.run_at_ms,
      item.received_ms, item.lane);
  if (!row) return false;
  s->execute(kInsertPayload, row->get<std::int64_t>(0), item.payload, headersToJson(item.headers));
  return true;
}

std::vector<bool> InboxStore::insertBatch(std::vector<NewItem>& items) {
  if (!db_.isPostgres()) {
    // Durable when this returns, its fsync made after the commit has let the workers write.
    auto turn = db_.writeTurn();
    soci::session& session = turn.session();
    std::vector<bool> inserted;
    {
      soci::transaction tx(session);
      inserted = insertEach(session, items);
      tx.commit();
    }
    turn.unlockAndFlush();
    return inserted;
  }
  // A batch that failed because its connection was gone (a restart or failover since the last
  // lease) runs once more on a fresh one: the insert is idempotent (ON CONFLICT DO NOTHING).
  for (int attempt = 0;; ++attempt) {
    auto session = db_.session();
    try {
      soci::transaction tx(*session);
      auto inserted = insertMultiRow(*session, items);
      tx.commit();
      return inserted;
    } catch (const std::exception&) {
      if (attempt > 0 || !db_.broken(*session)) throw;
    }
  }
}

std::vector<bool> InboxStore::insertEach(soci::session& tx, std::vector<NewItem>& items) {
  // SQLite runs in process: a statement per row costs no round trip, and one short statement
  // prepared once and stepped per row is cheaper than parsing a long multi-row one per batch.
  const auto s = db_.over(tx);
  std::vector<bool> inserted(items.size(), false);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    inserted[i] = s->execute(
                      "INSERT INTO inbox (kind, source, handler, type, dedupe_key, "
                      "tenant, state, attempts, run_at_ms, received_at_ms, lane) VALUES ($1, $2, "
                      "$3, $4, $5, $6, 'pending', 0, $7, $8, $9) ON CONFLICT DO NOTHING",
                      item.kind, item.source, item.handler, item.type, item.dedupe_key, item.tenant,
                      item.run_at_ms, item.received_ms, item.lane) == 1;
    // The body goes with the row just inserted (a duplicate's body is not stored).
    if (inserted[i])
      s->execute(
          "INSERT INTO inbox_payloads (id, payload, headers) VALUES (last_insert_rowid(), $1, $2)",
          item.payload, headersToJson(item.headers));
  }
  return inserted;
}

std::vector<bool> InboxStore::insertMultiRow(soci::session& tx, const std::vector<NewItem>& items) {
  // PostgreSQL: one multi-row INSERT per chunk for the rows and one for their bodies, since a
  // statement per row costs three round trips, which dominated the group commit. Each chunk
  // size is one text, prepared once per connection. RETURNING names the rows written; the
  // first occurrence of a returned key is the new row, the rest are duplicates.
  constexpr std::size_t kChunk = 200;  // 9 parameters a row, far below either backend's limit
  const auto s = db_.over(tx);
  std::vector<bool> inserted(items.size(), false);
  const auto p = [](std::size_t n) { return "$" + std::to_string(n); };
  for (std::size_t from = 0; from < items.size(); from += kChunk) {
    const std::size_t to = std::min(items.size(), from + kChunk);
    std::string sql =
        "INSERT INTO inbox (kind, source, handler, type, dedupe_key, tenant, state, attempts, "
        "run_at_ms, received_at_ms, lane) VALUES ";
    std::vector<switchboard::db::Value> values;
    values.reserve(9 * (to - from));
    for (std::size_t i = from; i < to; ++i) {
      const auto& item = items[i];
      const std::size_t b = values.size();
      sql += (i > from ? ", (" : "(") + p(b + 1) + ", " + p(b + 2) + ", " + p(b + 3) + ", " +
             p(b + 4) + ", " + p(b + 5) + ", " + p(b + 6) + ", 'pending', 0, " + p(b + 7) + ", " +
             p(b + 8) + ", " + p(b + 9) + ")";
      for (const auto* text :
           {&item.kind, &item.source, &item.handler, &item.type, &item.dedupe_key, &item.tenant})
        values.emplace_back(*text);
      values.emplace_back(item.run_at_ms);
      values.emplace_back(item.received_ms);
      values.emplace_back(item.lane);
    }
    sql += " ON CONFLICT DO NOTHING RETURNING id, kind, source, handler, dedupe_key";
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::int64_t> written;
    for (const auto& row : s->runOnce(sql, values).rows)
      written.emplace(std::make_tuple(row.get<std::string>(1), row.get<std::string>(2),
                                      row.get<std::string>(3), row.get<std::string>(4)),
                      row.get<std::int64_t>(0));
    std::string body_sql = "INSERT INTO inbox_payloads (id, payload, headers) VALUES ";
    std::vector<switchboard::db::Value> bodies;
    for (std::size_t i = from; i < to; ++i) {
      const auto& item = items[i];
      auto it = written.find({item.kind, item.source, item.handler, item.dedupe_key});
      if (it == written.end()) continue;
      inserted[i] = true;
      const std::size_t b = bodies.size();
      body_sql += (b ? ", (" : "(") + p(b + 1) + ", " + p(b + 2) + ", " + p(b + 3) + ")";
      bodies.emplace_back(it->second);
      bodies.emplace_back(item.payload);
      bodies.emplace_back(headersToJson(item.headers));
      written.erase(it);
    }
    if (!bodies.empty()) s->runOnce(body_sql, bodies);
  }
  return inserted;
}

bool InboxStore::anyDue(std::int64_t now_ms, const std::string& lane) {
  auto session = db_.session();
  return db_.over(*session)
      ->one(
          "SELECT id FROM inbox WHERE lane = $2 AND state IN ('pending', 'running') AND "
          "run_at_ms <= $1 ORDER BY lane, run_at_ms, id LIMIT 1",
          now_ms, lane)
      .has_value();
}

std::vector<Record> InboxStore::claim(soci::session& tx, const std::string& owner, int limit,
                                      std::int64_t now_ms, std::int64_t lease_until_ms,
                                      const std::string& lane) {
  const std::string lock = db_.isPostgres() ? " FOR UPDATE SKIP LOCKED" : "";
  // A claimed row's run_at_ms moves to its lease's end: "due" is then one range over the partial
  // index (lane, run_at_ms, id) for pending and running rows alike, read in order and stopped at
  // the limit. (An OR of two conditions made PostgreSQL, its statistics stale after a burst of
  // inserts, collect and sort the whole backlog: 78 ms a claim over 62k rows, now 5 ms.)
  return rows(db_.over(tx)->query(
      std::string("UPDATE inbox SET state = 'running', lease_owner = $1, lease_until_ms = $2, "
                  "run_at_ms = $2, attempts = attempts + 1 WHERE id IN (SELECT id FROM inbox "
                  "WHERE lane = $5 AND state IN ('pending', 'running') AND run_at_ms <= $3 "
                  "ORDER BY lane, run_at_ms, id LIMIT $4") +
          lock + ") RETURNING " + kColumns,
      owner, lease_until_ms, now_ms, limit, lane));
}

std::vector<Record> InboxStore::claim(const std::string& owner, int limit, std::int64_t now_ms,
                                      std::int64_t lease_until_ms, const std::string& lane) {
  auto session = db_.sessionWithoutFlush();  // a claim lost to a power loss is claimed again
  soci::transaction tx(*session);
  auto out = claim(*session, owner, limit, now_ms, lease_until_ms, lane);
  tx.commit();
  return out;
}

namespace {
// A batch's ids as one bound value, so that the statement's text is the same for every batch
// (prepared once) and one statement covers the batch: a JSON array for SQLite's json_each, an
// array literal for PostgreSQL. `n`: the parameter's number.
std::string idsIn(bool postgres, int n) {
  const std::string p = "$" + std::to_string(n);
  return postgres ? "id = ANY(CAST(" + p + " AS BIGINT[]))"
                  : "id IN (SELECT value FROM json_each(" + p + "))";
}
std::string idsValue(const std::vector<std::int64_t>& ids, bool postgres) {
  std::string out = postgres ? "{" : "[";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + (postgres ? "}" : "]");
}
}  // namespace

std::set<std::int64_t> InboxStore::holdLeases(soci::session& tx,
                                              const std::vector<std::int64_t>& ids,
                                              const std::string& owner) {
  std::set<std::int64_t> held;
  if (ids.empty()) return held;
  const bool pg = db_.isPostgres();
  for (const auto& row :
       db_.over(tx)->query("UPDATE inbox SET lease_owner = lease_owner WHERE " + idsIn(pg, 1) +
                               " AND lease_owner = $2 AND state = 'running' "
                               "RETURNING id",
                           idsValue(ids, pg), owner))
    held.insert(row.get<std::int64_t>(0));
  return held;
}

void InboxStore::markDone(soci::session& tx, const std::vector<std::int64_t>& ids,
                          std::int64_t now_ms) {
  if (ids.empty()) return;
  const bool pg = db_.isPostgres();
  db_.over(tx)->execute(
      "UPDATE inbox SET state = 'done', finished_at_ms = $1, lease_owner = NULL, "
      "lease_until_ms = NULL, last_error = NULL WHERE " +
          idsIn(pg, 2),
      now_ms, idsValue(ids, pg));
}

void InboxStore::giveBack(soci::session& tx, const std::vector<std::int64_t>& ids,
                          const std::string& owner, std::int64_t now_ms) {
  if (ids.empty()) return;
  const bool pg = db_.isPostgres();
  db_.over(tx)->execute(
      "UPDATE inbox SET state = 'pending', run_at_ms = $1, attempts = attempts - 1, "
      "lease_owner = NULL, lease_until_ms = NULL WHERE " +
          idsIn(pg, 2) + " AND lease_owner = $3 AND state = 'running'",
      now_ms, idsValue(ids, pg), owner);
}

void InboxStore::bury(soci::session& tx, const std::vector<std::int64_t>& ids,
                      const std::string& owner, const std::string& error, std::int64_t now_ms) {
  if (ids.empty()) return;
  const bool pg = db_.isPostgres();
  db_.over(tx)->execute(
      "UPDATE inbox SET state = 'dead', attempts = attempts - 1, last_error = $1, "
      "finished_at_ms = $2, lease_owner = NULL, lease_until_ms = NULL WHERE " +
          idsIn(pg, 3) + " AND lease_owner = $4 AND state = 'running'",
      error, now_ms, idsValue(ids, pg), owner);
}

void InboxStore::markFailed(std::int64_t id, const std::string& owner, const std::string& error,
                            std::optional<std::int64_t> retry_at_ms, std::int64_t now_ms) {
  auto session = db_.sessionWithoutFlush();  // undone: the lease expires, it runs again
  db_.over(*session)->execute(
      "UPDATE inbox SET state = $1, run_at_ms = COALESCE($2, run_at_ms), last_error = $3, "
      "lease_owner = NULL, lease_until_ms = NULL, finished_at_ms = $4 "
      "WHERE id = $5 AND lease_owner = $6 AND state = 'running'",
      retry_at_ms ? "pending" : "dead", retry_at_ms, error,
      retry_at_ms ? std::nullopt : std::optional<std::int64_t>(now_ms), id, owner);
}

std::optional<std::int64_t> InboxStore::nextDueMs(const std::string& lane) {
  auto session = db_.session();
  return db_.over(*session)
      ->one(
          "SELECT MIN(run_at_ms) FROM inbox WHERE lane = $1 AND state IN ('pending', "
          "'running')",
          lane)
      ->get<std::optional<std::int64_t>>(0);
}

int InboxStore::releaseLeases() {
  auto session = db_.session();
  return static_cast<int>(db_.over(*session)->execute(
      "UPDATE inbox SET lease_until_ms = 0, run_at_ms = received_at_ms WHERE state = 'running'"));
}

std::vector<Record> InboxStore::list(const std::optional<std::string>& state, int limit) {
  auto session = db_.session();
  return rows(db_.over(*session)->query(
      std::string("SELECT ") + kColumns +
          " FROM inbox WHERE ($1 = 1 OR state = $2) ORDER BY id DESC LIMIT $3",
      state ? 0 : 1, state.value_or(""), limit));
}

std::optional<Record> InboxStore::get(std::int64_t id) {
  auto session = db_.session();
  auto found = rows(db_.over(*session)->query(
      std::string("SELECT ") + kColumns + " FROM inbox WHERE id = $1", id));
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

bool InboxStore::replay(std::int64_t id, std::int64_t now_ms) {
  auto session = db_.session();
  return db_.over(*session)->execute(
             "UPDATE inbox SET state = 'pending', attempts = 0, run_at_ms = $1, "
             "finished_at_ms = NULL WHERE id = $2 AND state IN ('dead', 'done')",
             now_ms, id) == 1;
}

int InboxStore::replayDead(std::int64_t now_ms) {
  auto session = db_.session();
  return static_cast<int>(db_.over(*session)->execute(
      "UPDATE inbox SET state = 'pending', attempts = 0, run_at_ms = $1, finished_at_ms = NULL "
      "WHERE state = 'dead'",
      now_ms));
}

int InboxStore::purgeDone(std::int64_t finished_before_ms) {
  auto session = db_.sessionWithoutFlush();
  return static_cast<int>(db_.over(*session)->execute(
      "DELETE FROM inbox WHERE state = 'done' AND finished_at_ms < $1", finished_before_ms));
}

std::vector<StateCount> InboxStore::counts() {
  auto session = db_.session();
  std::vector<StateCount> out;
  for (const auto& row : db_.over(*session)->query(
           "SELECT state, COUNT(*), MIN(received_at_ms) FROM inbox GROUP BY state")) {
    StateCount c;
    c.state = row.get<std::string>(0);
    c.count = row.get<std::int64_t>(1);
    c.oldest_received_ms = row.get<std::optional<std::int64_t>>(2).value_or(0);
    out.push_back(c);
  }
  return out;
}

}  // namespace switchboard::kernel::inbox
