#include "inbox/inbox_store.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <soci/soci.h>

#include <map>
#include <set>
#include <tuple>

#include "storage/sql_row.h"

namespace switchboard::kernel::inbox {
namespace {

using ll = long long;  // what SOCI binds as a 64-bit integer

// The body and headers live in inbox_payloads (written once; the inbox row changes state).
// Scalar subqueries, not a join, so that a claim's UPDATE can return them too.
constexpr sql::Columns kColumns = sql::columns(
    "id, kind, source, handler, type, dedupe_key, tenant, "
    "(SELECT payload FROM inbox_payloads p WHERE p.id = inbox.id), "
    "(SELECT headers FROM inbox_payloads p WHERE p.id = inbox.id), state, attempts, "
    "run_at_ms, received_at_ms, last_error, finished_at_ms");

constexpr const char* kInsertPayload =
    "INSERT INTO inbox_payloads (id, payload, headers) VALUES (:id, :payload, :headers)";

using switchboard::sql::int64At;
using switchboard::sql::textAt;

Record fromRow(const sql::TextRow& row) {
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
  ll id = -1;
  soci::indicator ind = soci::i_null;
  const std::string headers = headersToJson(item.headers);
  const ll received = item.received_ms, run_at = item.run_at_ms;
  soci::statement st =
      (tx.prepare << "INSERT INTO inbox (kind, source, handler, type, dedupe_key, tenant, "
                     "state, attempts, run_at_ms, received_at_ms) "
                     "VALUES (:kind, :source, :handler, :type, :key, :tenant, "
                     "'pending', 0, :run_at, :received) "
                     "ON CONFLICT DO NOTHING RETURNING id",
       soci::use(item.kind), soci::use(item.source), soci::use(item.handler), soci::use(item.type),
       soci::use(item.dedupe_key), soci::use(item.tenant), soci::use(run_at), soci::use(received),
       soci::into(id, ind));
  st.execute(true);
  if (!st.got_data()) return false;
  tx << kInsertPayload, soci::use(id), soci::use(item.payload), soci::use(headers);
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
  std::vector<bool> inserted(items.size(), false);
  NewItem row;
  std::string headers;
  ll run_at = 0, received = 0;
  soci::statement st =
      (tx.prepare << "INSERT INTO inbox (kind, source, handler, type, dedupe_key, tenant, "
                     "state, attempts, run_at_ms, received_at_ms) "
                     "VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT DO NOTHING",
       soci::use(row.kind), soci::use(row.source), soci::use(row.handler), soci::use(row.type),
       soci::use(row.dedupe_key), soci::use(row.tenant), soci::use(run_at), soci::use(received));
  // The body goes with the row just inserted (a duplicate's body is not stored).
  soci::statement body = (tx.prepare << "INSERT INTO inbox_payloads (id, payload, headers) "
                                        "VALUES (last_insert_rowid(), ?, ?)",
                          soci::use(row.payload), soci::use(headers));
  // The row is bound once; each item is swapped into it (no copy) and back after its step, so
  // the batch is intact for a retry when the transaction fails.
  auto exchange = [&row](NewItem& item) {
    row.kind.swap(item.kind);
    row.source.swap(item.source);
    row.handler.swap(item.handler);
    row.type.swap(item.type);
    row.dedupe_key.swap(item.dedupe_key);
    row.tenant.swap(item.tenant);
    row.payload.swap(item.payload);
  };
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto& item = items[i];
    exchange(item);
    headers = headersToJson(item.headers);
    run_at = item.run_at_ms;
    received = item.received_ms;
    try {
      st.execute(true);
      inserted[i] = st.get_affected_rows() == 1;
      if (inserted[i]) body.execute(true);
    } catch (...) {
      exchange(item);
      throw;
    }
    exchange(item);
  }
  return inserted;
}

std::vector<bool> InboxStore::insertMultiRow(soci::session& tx, const std::vector<NewItem>& items) {
  // PostgreSQL: one multi-row INSERT per chunk for the rows and one for their bodies, since a
  // statement per row costs a prepare and three round trips, which dominated the group commit.
  // RETURNING names the rows written; the first occurrence of a returned key is the new row,
  // the rest are duplicates.
  constexpr std::size_t kChunk = 200;  // 8 parameters a row, far below either backend's limit
  std::vector<bool> inserted(items.size(), false);
  for (std::size_t from = 0; from < items.size(); from += kChunk) {
    const std::size_t to = std::min(items.size(), from + kChunk);
    std::vector<ll> times;
    times.reserve(2 * (to - from));
    std::string sql =
        "INSERT INTO inbox (kind, source, handler, type, dedupe_key, tenant, state, attempts, "
        "run_at_ms, received_at_ms) VALUES ";
    // SOCI's PostgreSQL backend wants `:name` parameters (it rewrites them to $n).
    const auto p = [](const char* name, std::size_t n) {
      return ":" + std::string(name) + std::to_string(n);
    };
    soci::statement st(tx);
    for (std::size_t i = from; i < to; ++i) {
      const auto& item = items[i];
      const std::size_t n = i - from;
      times.push_back(item.run_at_ms);
      times.push_back(item.received_ms);
      sql += (i > from ? ", (" : "(") + p("k", n) + ", " + p("s", n) + ", " + p("h", n) + ", " +
             p("t", n) + ", " + p("d", n) + ", " + p("n", n) + ", 'pending', 0, " + p("r", n) +
             ", " + p("v", n) + ")";
    }
    sql += " ON CONFLICT DO NOTHING RETURNING id, kind, source, handler, dedupe_key";
    for (std::size_t i = from; i < to; ++i) {
      const auto& item = items[i];
      const std::size_t j = i - from;
      st.exchange(soci::use(item.kind));
      st.exchange(soci::use(item.source));
      st.exchange(soci::use(item.handler));
      st.exchange(soci::use(item.type));
      st.exchange(soci::use(item.dedupe_key));
      st.exchange(soci::use(item.tenant));
      st.exchange(soci::use(times[2 * j]));
      st.exchange(soci::use(times[2 * j + 1]));
    }
    soci::row row;
    st.exchange(soci::into(row));
    st.alloc();
    st.prepare(sql);
    st.define_and_bind();
    std::map<std::tuple<std::string, std::string, std::string, std::string>, ll> written;
    for (bool more = st.execute(true); more; more = st.fetch())
      written.emplace(std::make_tuple(row.get<std::string>(1), row.get<std::string>(2),
                                      row.get<std::string>(3), row.get<std::string>(4)),
                      switchboard::sql::int64At(row, 0));
    std::vector<ll> ids;
    std::vector<std::string> headers;
    std::vector<std::size_t> bodies;  // which items' bodies to store
    for (std::size_t i = from; i < to; ++i) {
      const auto& item = items[i];
      auto it = written.find({item.kind, item.source, item.handler, item.dedupe_key});
      if (it == written.end()) continue;
      inserted[i] = true;
      ids.push_back(it->second);
      headers.push_back(headersToJson(item.headers));
      bodies.push_back(i);
      written.erase(it);
    }
    if (bodies.empty()) continue;
    std::string body_sql = "INSERT INTO inbox_payloads (id, payload, headers) VALUES ";
    soci::statement body(tx);
    for (std::size_t n = 0; n < bodies.size(); ++n) {
      body_sql += (n ? ", (" : "(") + p("i", n) + ", " + p("p", n) + ", " + p("x", n) + ")";
      body.exchange(soci::use(ids[n]));
      body.exchange(soci::use(items[bodies[n]].payload));
      body.exchange(soci::use(headers[n]));
    }
    body.alloc();
    body.prepare(body_sql);
    body.define_and_bind();
    body.execute(true);
  }
  return inserted;
}

bool InboxStore::anyDue(std::int64_t now_ms) {
  const ll now = now_ms;
  ll due = 0;
  soci::indicator found = soci::i_null;
  auto session = db_.session();
  *session << "SELECT id FROM inbox WHERE state IN ('pending', 'running') AND run_at_ms <= :now "
              "ORDER BY run_at_ms, id LIMIT 1",
      soci::use(now), soci::into(due, found);
  return session->got_data();
}

std::vector<Record> InboxStore::claim(soci::session& tx, const std::string& owner, int limit,
                                      std::int64_t now_ms, std::int64_t lease_until_ms) {
  const std::string lock = db_.isPostgres() ? " FOR UPDATE SKIP LOCKED" : "";
  const ll now = now_ms, until = lease_until_ms, n = limit;
  // A claimed row's run_at_ms moves to its lease's end: "due" is then one range over the partial
  // index (run_at_ms, id) for pending and running rows alike, read in order and stopped at the
  // limit. (An OR of two conditions made PostgreSQL, its statistics stale after a burst of
  // inserts, collect and sort the whole backlog: 78 ms a claim over 62k rows, now 5 ms.)
  return sql::query<Record>(
      tx,
      std::string("UPDATE inbox SET state = 'running', lease_owner = :owner, "
                  "lease_until_ms = :until, run_at_ms = :until2, attempts = attempts + 1 "
                  "WHERE id IN (SELECT id FROM inbox WHERE state IN ('pending', 'running') "
                  "AND run_at_ms <= :now ORDER BY run_at_ms, id LIMIT :n") +
          lock + ") RETURNING " + kColumns.text,
      kColumns.count, fromRow, soci::use(owner), soci::use(until), soci::use(until), soci::use(now),
      soci::use(n));
}

std::vector<Record> InboxStore::claim(const std::string& owner, int limit, std::int64_t now_ms,
                                      std::int64_t lease_until_ms) {
  auto session = db_.sessionWithoutFlush();  // a claim lost to a power loss is claimed again
  soci::transaction tx(*session);
  auto out = claim(*session, owner, limit, now_ms, lease_until_ms);
  tx.commit();
  return out;
}

namespace {
// A batch's ids as one bound value, so that the statement's text is the same for every batch
// (compiled once: SQLite's statement cache; one prepare on PostgreSQL) and one statement covers
// the batch: a JSON array for SQLite's json_each, an array literal for PostgreSQL.
std::string idsIn(bool postgres) {
  return postgres ? "id = ANY(CAST(:ids AS BIGINT[]))"
                  : "id IN (SELECT value FROM json_each(:ids))";
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
  const std::string list = idsValue(ids, pg);
  ll id = 0;
  soci::statement st =
      (tx.prepare << "UPDATE inbox SET lease_owner = lease_owner WHERE " + idsIn(pg) +
                         " AND lease_owner = :owner AND state = 'running' RETURNING id",
       soci::use(list), soci::use(owner), soci::into(id));
  for (bool more = st.execute(true); more; more = st.fetch()) held.insert(id);
  return held;
}

void InboxStore::markDone(soci::session& tx, const std::vector<std::int64_t>& ids,
                          std::int64_t now_ms) {
  if (ids.empty()) return;
  const bool pg = db_.isPostgres();
  const std::string list = idsValue(ids, pg);
  const ll now = now_ms;
  tx << "UPDATE inbox SET state = 'done', finished_at_ms = :now, lease_owner = NULL, "
        "lease_until_ms = NULL, last_error = NULL WHERE " +
            idsIn(pg),
      soci::use(now), soci::use(list);
}

void InboxStore::giveBack(soci::session& tx, const std::vector<std::int64_t>& ids,
                          const std::string& owner, std::int64_t now_ms) {
  if (ids.empty()) return;
  const bool pg = db_.isPostgres();
  const std::string list = idsValue(ids, pg);
  const ll now = now_ms;
  tx << "UPDATE inbox SET state = 'pending', run_at_ms = :now, attempts = attempts - 1, "
        "lease_owner = NULL, lease_until_ms = NULL WHERE " +
            idsIn(pg) + " AND lease_owner = :owner AND state = 'running'",
      soci::use(now), soci::use(list), soci::use(owner);
}

void InboxStore::bury(soci::session& tx, const std::vector<std::int64_t>& ids,
                      const std::string& owner, const std::string& error, std::int64_t now_ms) {
  if (ids.empty()) return;
  const bool pg = db_.isPostgres();
  const std::string list = idsValue(ids, pg);
  const ll now = now_ms;
  tx << "UPDATE inbox SET state = 'dead', attempts = attempts - 1, last_error = :error, "
        "finished_at_ms = :now, lease_owner = NULL, lease_until_ms = NULL WHERE " +
            idsIn(pg) + " AND lease_owner = :owner AND state = 'running'",
      soci::use(error), soci::use(now), soci::use(list), soci::use(owner);
}

void InboxStore::markFailed(std::int64_t id, const std::string& owner, const std::string& error,
                            std::optional<std::int64_t> retry_at_ms, std::int64_t now_ms) {
  const ll row_id = id, now = now_ms, retry_at = retry_at_ms.value_or(0);
  const int pending = retry_at_ms.has_value();
  const std::string state = pending ? "pending" : "dead";
  soci::indicator finished = retry_at_ms ? soci::i_null : soci::i_ok;
  auto session = db_.sessionWithoutFlush();  // undone: the lease expires, it runs again
  *session << "UPDATE inbox SET state = :state, run_at_ms = CASE WHEN :pending = 1 THEN :retry "
              "ELSE run_at_ms END, last_error = :error, lease_owner = NULL, "
              "lease_until_ms = NULL, finished_at_ms = :finished "
              "WHERE id = :id AND lease_owner = :owner AND state = 'running'",
      soci::use(state), soci::use(pending), soci::use(retry_at), soci::use(error),
      soci::use(now, finished), soci::use(row_id), soci::use(owner);
}

std::optional<std::int64_t> InboxStore::nextDueMs() {
  ll due = 0;
  soci::indicator ind = soci::i_null;
  auto session = db_.session();
  *session << "SELECT MIN(run_at_ms) FROM inbox WHERE state IN ('pending', 'running')",
      soci::into(due, ind);
  if (ind == soci::i_null) return std::nullopt;
  return due;
}

int InboxStore::releaseLeases() {
  auto session = db_.session();
  soci::statement st = (session->prepare << "UPDATE inbox SET lease_until_ms = 0, "
                                            "run_at_ms = received_at_ms WHERE state = 'running'");
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

std::vector<Record> InboxStore::list(const std::optional<std::string>& state, int limit) {
  const ll n = limit;
  const int all = !state.has_value();
  const std::string filter = state.value_or("");
  auto session = db_.session();
  return sql::query<Record>(*session,
                            std::string("SELECT ") + kColumns.text +
                                " FROM inbox WHERE (:all = 1 OR state = :state) "
                                "ORDER BY id DESC LIMIT :n",
                            kColumns.count, fromRow, soci::use(all), soci::use(filter),
                            soci::use(n));
}

std::optional<Record> InboxStore::get(std::int64_t id) {
  const ll row_id = id;
  auto session = db_.session();
  return sql::first(sql::query<Record>(
      *session, std::string("SELECT ") + kColumns.text + " FROM inbox WHERE id = :id",
      kColumns.count, fromRow, soci::use(row_id)));
}

bool InboxStore::replay(std::int64_t id, std::int64_t now_ms) {
  const ll row_id = id, now = now_ms;
  auto session = db_.session();
  soci::statement st =
      (session->prepare << "UPDATE inbox SET state = 'pending', attempts = 0, run_at_ms = :now, "
                           "finished_at_ms = NULL WHERE id = :id AND state IN ('dead', 'done')",
       soci::use(now), soci::use(row_id));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

int InboxStore::replayDead(std::int64_t now_ms) {
  const ll now = now_ms;
  auto session = db_.session();
  soci::statement st =
      (session->prepare << "UPDATE inbox SET state = 'pending', attempts = 0, run_at_ms = :now, "
                           "finished_at_ms = NULL WHERE state = 'dead'",
       soci::use(now));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

int InboxStore::purgeDone(std::int64_t finished_before_ms) {
  const ll before = finished_before_ms;
  auto session = db_.sessionWithoutFlush();
  soci::statement st = (session->prepare << "DELETE FROM inbox WHERE state = 'done' AND "
                                            "finished_at_ms < :before",
                        soci::use(before));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

std::vector<StateCount> InboxStore::counts() {
  auto session = db_.session();
  soci::rowset<soci::row> rows =
      (session->prepare << "SELECT state, COUNT(*), MIN(received_at_ms) FROM inbox "
                           "GROUP BY state");
  std::vector<StateCount> out;
  for (const auto& row : rows) {
    StateCount c;
    c.state = row.get<std::string>(0);
    c.count = int64At(row, 1);
    c.oldest_received_ms = int64At(row, 2);
    out.push_back(c);
  }
  return out;
}

}  // namespace switchboard::kernel::inbox
