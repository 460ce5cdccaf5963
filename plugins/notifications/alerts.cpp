#include "alerts.h"

#include "switchboard/db.h"
#include "switchboard/json.h"
#include "switchboard/tenant_sql.h"

namespace notifications {

namespace json = switchboard::json;
namespace contracts = switchboard::contracts;
using switchboard::sql::toMs;
using Kind = AlertDraft::Kind;

void Alerts::registerJobs() {
  host_.jobs().upstreamCall(
      "alert",
      {[this](const switchboard::InboxItem& job) {
         auto notifier = host_.services().find<contracts::AdminNotifier>();
         if (!notifier) throw std::runtime_error("no admin notifier (contract.admin_notifier)");
         const auto doc = json::parse(job.payload);
         const auto v = doc.root();
         notifier->notify({v.string("company").value_or(""), v.string("severity").value_or(""),
                           v.string("title").value_or(""), v.string("text").value_or(""),
                           v.string("group_key").value_or("")});
         return std::string("{}");
       },
       [this](const switchboard::InboxItem& job, const std::string&, switchboard::db::Session& tx) {
         tx.execute(
             "UPDATE notification_messages SET status = 'sent', updated_at_ms = $1 "
             "WHERE message_key = $2",
             host_.clock().now(), job.key);
       }});
}

void Alerts::queue(switchboard::db::Session& tx, const contracts::AdminAlert& a,
                   const std::string& key) {
  const long long now = toMs(host_.clock().now());
  const std::string recipient = a.company.empty() ? "ops" : a.company;
  const std::string body = a.title + "\n" + a.text;
  tx.execute(
      "INSERT INTO notification_messages (message_key, company_id, channel, recipient, "
      "template, body, status, created_at_ms, updated_at_ms) "
      "VALUES ($1, $2, 'admin', $3, $4, $5, 'pending', $6, $6) "
      "ON CONFLICT (message_key) DO NOTHING",
      key, a.company, recipient, a.group_key, body, now);
  const auto payload = json::Builder()
                           .object()
                           .field("company", a.company)
                           .field("severity", a.severity)
                           .field("title", a.title)
                           .field("text", a.text)
                           .field("group_key", a.group_key)
                           .end()
                           .str();
  host_.jobs().enqueue("alert", payload, host_.clock().now(), key, &tx);
}

void Alerts::onEvent(const switchboard::Event& e, switchboard::db::Session& tx) {
  auto draft = alertFor(e, host_.name(), window_);
  if (!draft) return;
  auto& a = draft->alert;
  const long long now = toMs(host_.clock().now());
  // One story's events are decided one at a time: PostgreSQL locks its row (SQLite's writer
  // lock serialises already); two first events race on the insert and the loser is retried.
  const auto row = tx.one(std::string("SELECT state, alerted_at_ms, opened_at_ms, occurrences "
                                      "FROM alert_groups WHERE group_key = $1") +
                              tx.forUpdate(),
                          a.group_key);
  const bool known = row.has_value();
  const std::string state = known ? row->get<std::string>(0) : "";
  const long long alerted = known ? row->get<std::int64_t>(1) : 0,
                  opened = known ? row->get<std::int64_t>(2) : 0,
                  occurrences = known ? row->get<std::int64_t>(3) : 0;
  auto upsert = [&](const std::string& new_state, long long opened_at, long long alerted_at,
                    long long count) {
    if (known)
      tx.execute(
          "UPDATE alert_groups SET state = $1, title = $2, opened_at_ms = $3, "
          "alerted_at_ms = $4, occurrences = $5 WHERE group_key = $6",
          new_state, a.title, opened_at, alerted_at, count, a.group_key);
    else  // a concurrent first insert makes this attempt fail; its retry finds the row
      tx.execute(
          "INSERT INTO alert_groups (group_key, company_id, state, title, opened_at_ms, "
          "alerted_at_ms, occurrences) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          a.group_key, a.company, new_state, a.title, opened_at, alerted_at, count);
  };
  const std::string base = "alert:" + a.group_key + ":";
  switch (draft->kind) {
    case Kind::Open:
      if (known && state == "open") {
        upsert("open", opened, alerted, occurrences + 1);  // the same outage: counted only
        return;
      }
      upsert("open", now, now, 1);
      queue(tx, a, base + std::to_string(now) + ":open");
      return;
    case Kind::Resolve:
      if (!known || state != "open") return;  // nothing was told open
      a.text += "\nIt lasted " + std::to_string((now - opened) / 1000) + " s; " +
                std::to_string(occurrences) + " report(s) of it were held in one alert.";
      upsert("resolved", opened, now, 0);
      queue(tx, a, base + std::to_string(opened) + ":resolved");
      return;
    case Kind::Window:
      if (known && now - alerted < std::chrono::milliseconds(draft->window).count()) {
        upsert(state, opened, alerted, occurrences + 1);
        return;
      }
      if (known && occurrences > 0)
        a.text += "\n(" + std::to_string(occurrences) + " more like it since the last alert)";
      upsert("told", known ? opened : now, now, 0);
      queue(tx, a, base + std::to_string(now));
      return;
    case Kind::Once:
      if (known) return;
      upsert("told", now, now, 1);
      queue(tx, a, base + "once");
      return;
  }
}

}  // namespace notifications
