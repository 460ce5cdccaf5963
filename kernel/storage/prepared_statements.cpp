#include "storage/prepared_statements.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <charconv>
#include <cstring>
#include <unordered_map>

namespace switchboard::kernel::storage {

namespace {

using namespace sqlite_api;

std::atomic<std::uint64_t> prepared_total{0}, runs_total{0};
std::atomic<std::int64_t> kept_now{0};

// The statement's first words, for an error message.
std::string head(std::string_view sql) {
  std::string out(sql.substr(0, 60));
  for (auto& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return sql.size() > 60 ? out + "..." : out;
}

bool onlySpace(const char* text) {
  for (; text && *text; ++text)
    if (*text != ' ' && *text != '\n' && *text != '\t' && *text != '\r' && *text != ';')
      return false;
  return true;
}

class SqliteStatements final : public PreparedStatements {
 public:
  explicit SqliteStatements(sqlite3* db) : db_(db) {}
  ~SqliteStatements() override {
    for (auto& [text, s] : kept_) sqlite3_finalize(s.handle);
    kept_now -= static_cast<std::int64_t>(kept_.size());
  }

  const void* connection() const override { return db_; }
  std::size_t kept() const override { return kept_.size(); }

  db::Result run(std::string_view sql, const std::vector<db::Value>& params) override {
    return run(sql, params, true);
  }
  db::Result runOnce(std::string_view sql, const std::vector<db::Value>& params) override {
    return run(sql, params, false);
  }

 private:
  struct Statement {
    sqlite3_stmt* handle = nullptr;
    std::vector<int> slots;  // $1, $2, ... → the statement's parameter index
  };

  db::Result run(std::string_view sql, const std::vector<db::Value>& params, bool keep) {
    Statement fresh;
    Statement* s = nullptr;
    if (auto it = kept_.find(std::string(sql)); it != kept_.end()) {
      s = &it->second;
    } else {
      fresh = prepare(sql, keep);
      if (keep && kept_.size() < kMaxKept) {
        s = &kept_.emplace(std::string(sql), fresh).first->second;
        ++kept_now;
      } else {
        s = &fresh;
      }
    }
    ++runs_total;
    // Whatever happens, the statement goes back to the state a fresh prepare leaves (a
    // statement left stepping would hold its read snapshot open), and a kept-over one is freed.
    struct Reset {
      Statement* s;
      bool finalize;
      ~Reset() {
        sqlite3_reset(s->handle);
        sqlite3_clear_bindings(s->handle);
        if (finalize) sqlite3_finalize(s->handle);
      }
    } reset{s, s == &fresh};

    if (params.size() != s->slots.size())
      throw db::Error("the statement takes " + std::to_string(s->slots.size()) +
                      " parameters, given " + std::to_string(params.size()) + ": " + head(sql));
    for (std::size_t i = 0; i < params.size(); ++i) bind(*s, s->slots[i], params[i], sql);

    db::Result result;
    for (;;) {
      const int rc = sqlite3_step(s->handle);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) throw db::Error(std::string(sqlite3_errmsg(db_)) + ": " + head(sql));
      // Counted after the step: a schema change recompiles the statement there.
      const int columns = sqlite3_column_count(s->handle);
      std::vector<db::Value> values;
      values.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) values.push_back(column(s->handle, c));
      result.rows.emplace_back(std::move(values));
    }
    if (!sqlite3_stmt_readonly(s->handle)) result.affected = sqlite3_changes(db_);
    return result;
  }

  Statement prepare(std::string_view sql, bool keep) {
    Statement s;
    ++prepared_total;
    const char* tail = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                           keep ? SQLITE_PREPARE_PERSISTENT : 0, &s.handle, &tail) != SQLITE_OK)
      throw db::Error(std::string(sqlite3_errmsg(db_)) + ": " + head(sql));
    if (!s.handle) throw db::Error("no statement in: " + head(sql));
    if (!onlySpace(tail)) {
      sqlite3_finalize(s.handle);
      throw db::Error("one statement at a time: " + head(sql));
    }
    // SQLite numbers "$1" and "$2" by first appearance; the numbers are the parameters'.
    const int count = sqlite3_bind_parameter_count(s.handle);
    s.slots.assign(static_cast<std::size_t>(count), 0);
    for (int i = 1; i <= count; ++i) {
      const char* name = sqlite3_bind_parameter_name(s.handle, i);
      int n = 0;
      const auto end = name ? name + std::strlen(name) : nullptr;
      if (!name || name[0] != '$' || std::from_chars(name + 1, end, n).ptr != end || n < 1 ||
          n > count) {
        sqlite3_finalize(s.handle);
        throw db::Error("parameters are $1, $2, ... (numbered from 1, none skipped): " + head(sql));
      }
      s.slots[static_cast<std::size_t>(n - 1)] = i;
    }
    return s;
  }

  void bind(Statement& s, int slot, const db::Value& v, std::string_view sql) {
    int rc = SQLITE_OK;
    const auto& d = v.data();
    if (const auto* i = std::get_if<std::int64_t>(&d))
      rc = sqlite3_bind_int64(s.handle, slot, *i);
    else if (const auto* r = std::get_if<double>(&d))
      rc = sqlite3_bind_double(s.handle, slot, *r);
    else if (const auto* t = std::get_if<std::string>(&d))
      rc = sqlite3_bind_text64(s.handle, slot, t->data(), t->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    else
      rc = sqlite3_bind_null(s.handle, slot);
    if (rc != SQLITE_OK) throw db::Error(std::string(sqlite3_errmsg(db_)) + ": " + head(sql));
  }

  static db::Value column(sqlite3_stmt* st, int c) {
    switch (sqlite3_column_type(st, c)) {
      case SQLITE_INTEGER:
        return db::Value(static_cast<std::int64_t>(sqlite3_column_int64(st, c)));
      case SQLITE_FLOAT:
        return db::Value(sqlite3_column_double(st, c));
      case SQLITE_NULL:
        return db::Value();
      default: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
        return db::Value(std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(st, c))));
      }
    }
  }

  sqlite3* db_;
  std::unordered_map<std::string, Statement> kept_;
};

class PostgresStatements final : public PreparedStatements {
 public:
  explicit PostgresStatements(PGconn* conn) : conn_(conn) {}
  // The server drops a connection's prepared statements with it: nothing to free here.
  ~PostgresStatements() override { kept_now -= static_cast<std::int64_t>(kept_.size()); }

  const void* connection() const override { return conn_; }
  std::size_t kept() const override { return kept_.size(); }

  db::Result runOnce(std::string_view sql, const std::vector<db::Value>& params) override {
    ++runs_total;
    Texts t(params);
    Result r(PQexecParams(conn_, std::string(sql).c_str(), static_cast<int>(params.size()), nullptr,
                          t.values.data(), nullptr, nullptr, 0));
    const auto status = PQresultStatus(r.get());
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) return read(r.get());
    throw db::Error(message(r.get()) + ": " + head(sql));
  }

  db::Result run(std::string_view sql, const std::vector<db::Value>& params) override {
    Texts t(params);
    const auto& values = t.values;
    ++runs_total;
    std::string key(sql);
    for (int attempt = 0;; ++attempt) {
      const std::string name = prepared(key);
      Result r(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(),
                              nullptr, nullptr, 0));
      const auto status = PQresultStatus(r.get());
      if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) return read(r.get());
      const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
      const std::string code = state ? state : "";
      // The statement is gone (a DEALLOCATE) or its plan no longer fits the schema (a column
      // added under a SELECT *): prepared again, once, when no transaction is aborted by it.
      if (attempt == 0 && (code == "26000" || code == "0A000") &&
          PQtransactionStatus(conn_) == PQTRANS_IDLE) {
        forget(key, name);
        continue;
      }
      if (code == "26000" || code == "0A000")
        kept_now -= static_cast<std::int64_t>(kept_.erase(key));
      throw db::Error(message(r.get()) + ": " + head(sql));
    }
  }

 private:
  struct Clear {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  // The parameters as libpq takes them: text, nullptr for NULL.
  struct Texts {
    std::vector<std::string> texts;
    std::vector<const char*> values;
    explicit Texts(const std::vector<db::Value>& params)
        : texts(params.size()), values(params.size(), nullptr) {
      for (std::size_t i = 0; i < params.size(); ++i) {
        const auto& d = params[i].data();
        if (const auto* n = std::get_if<std::int64_t>(&d)) {
          texts[i] = std::to_string(*n);
        } else if (const auto* r = std::get_if<double>(&d)) {
          char buffer[32];
          texts[i].assign(buffer, std::to_chars(buffer, buffer + sizeof buffer, *r).ptr);
        } else if (const auto* t = std::get_if<std::string>(&d)) {
          texts[i] = *t;
        } else {
          continue;  // NULL
        }
        values[i] = texts[i].c_str();
      }
    }
  };
  using Result = std::unique_ptr<PGresult, Clear>;

  std::string message(PGresult* r) const {
    std::string m = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
    if (m.empty()) m = PQerrorMessage(conn_);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m;
  }

  // The server-side name of `sql`, prepared on this connection on first use.
  std::string prepared(const std::string& sql) {
    if (auto it = kept_.find(sql); it != kept_.end()) return it->second;
    std::string name = "sb_" + std::to_string(++counter_);
    ++prepared_total;
    Result r(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK)
      throw db::Error(message(r.get()) + ": " + head(sql));
    if (kept_.size() < kMaxKept) {
      kept_.emplace(sql, name);
      ++kept_now;
    } else {
      unkept_.push_back(name);  // deallocated after its run (below)
    }
    return name;
  }

  void forget(const std::string& sql, const std::string& name) {
    kept_now -= static_cast<std::int64_t>(kept_.erase(sql));
    Result(PQexec(conn_, ("DEALLOCATE " + name).c_str()));  // gone already, or now
  }

  db::Result read(PGresult* r) {
    db::Result out;
    const int rows = PQntuples(r), columns = PQnfields(r);
    out.rows.reserve(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) {
      std::vector<db::Value> values;
      values.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c)
        values.push_back(
            PQgetisnull(r, i, c)
                ? db::Value()
                : db::Value(std::string(PQgetvalue(r, i, c),
                                        static_cast<std::size_t>(PQgetlength(r, i, c)))));
      out.rows.emplace_back(std::move(values));
    }
    if (const char* n = PQcmdTuples(r); n && *n) out.affected = std::atoll(n);
    for (const auto& name : unkept_) Result(PQexec(conn_, ("DEALLOCATE " + name).c_str()));
    unkept_.clear();
    return out;
  }

  PGconn* conn_;
  std::uint64_t counter_ = 0;
  std::unordered_map<std::string, std::string> kept_;  // text → server-side name
  std::vector<std::string> unkept_;
};

}  // namespace

PreparedStatementStats preparedStatementStats() {
  return {prepared_total.load(std::memory_order_relaxed),
          runs_total.load(std::memory_order_relaxed), kept_now.load(std::memory_order_relaxed)};
}

soci::session& sociOf(db::Session& session) {
  auto* ours = dynamic_cast<PreparedSession*>(&session);
  if (!ours) throw std::logic_error("a database session the kernel did not make");
  return ours->soci();
}

const void* PreparedStatements::connectionOf(soci::session& s) {
  if (s.get_backend_name() == "postgresql")
    return static_cast<soci::postgresql_session_backend*>(s.get_backend())->conn_;
  return static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_;
}

std::unique_ptr<PreparedStatements> PreparedStatements::of(soci::session& s) {
  if (s.get_backend_name() == "postgresql")
    return std::make_unique<PostgresStatements>(
        static_cast<soci::postgresql_session_backend*>(s.get_backend())->conn_);
  return std::make_unique<SqliteStatements>(
      static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_);
}

}  // namespace switchboard::kernel::storage
