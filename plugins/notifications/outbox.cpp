#include "outbox.h"

#include "switchboard/contracts/sms.h"
#include "switchboard/domain/repositories.h"
#include "switchboard/errors.h"
#include "switchboard/json.h"
#include "switchboard/tenant_sql.h"

namespace notifications {

namespace json = switchboard::json;
namespace contracts = switchboard::contracts;
namespace domain = switchboard::domain;
using switchboard::sql::toMs;

namespace {

// How far a delivery state has come; an update never moves a message back.
int rankOf(const std::string& status) {
  if (status == "pending") return 0;
  if (status == "accepted" || status == "queued" || status == "scheduled") return 1;
  if (status == "sending") return 2;
  if (status == "sent") return 3;
  if (status == "delivered" || status == "undelivered" || status == "failed" || status == "read" ||
      status == "canceled")
    return 4;
  return -1;  // unknown: ignored
}

// Twilio's code for a recipient who opted out (STOP): they are never texted again.
constexpr const char* kOptedOutCode = "21610";

// The number is never texted again (until it says START).
void optOut(switchboard::db::Session& tx, const std::string& phone, const std::string& company,
            long long now_ms) {
  tx.execute(
      "INSERT INTO notification_optouts (phone, company_id, opted_out_at_ms) "
      "VALUES ($1, $2, $3) ON CONFLICT (phone) DO NOTHING",
      phone, company, now_ms);
}

}  // namespace

Outbox::Outbox(switchboard::Host& host, QuietHours default_quiet)
    : host_(host), default_quiet_(default_quiet) {}

void Outbox::registerJobs() {
  host_.jobs().upstreamCall("sms",
                            {[this](const switchboard::InboxItem& job) { return send(job); },
                             [this](const switchboard::InboxItem& job, const std::string& result,
                                    switchboard::db::Session& tx) { record(job, result, tx); }});
}

bool Outbox::optedOut(switchboard::db::Session& db, const std::string& phone) {
  return db.one("SELECT 1 FROM notification_optouts WHERE phone = $1", phone).has_value();
}

std::optional<switchboard::TimePoint> Outbox::quietUntil(switchboard::db::Session& db,
                                                         const std::string& company,
                                                         const std::string& zone,
                                                         switchboard::TimePoint now) {
  QuietHours quiet = default_quiet_;
  if (auto d = host_.services().find<domain::Directory>())
    if (auto c = d->company(db, company))
      if (auto it = c->settings.find("quiet_hours"); it != c->settings.end())
        if (auto q = QuietHours::parse(it->second)) quiet = *q;
  return quiet.until(now, zone);
}

bool Outbox::queue(switchboard::db::Session& tx, const SmsDraft& d) {
  const auto now = host_.clock().now();
  const long long now_ms = toMs(now);
  if (tx.one("SELECT 1 FROM notification_messages WHERE message_key = $1", d.key)) {
    host_.log()->info("{}: told already, not again", d.key);
    return false;
  }
  const bool stopped = optedOut(tx, d.to);
  const std::string status = stopped ? "skipped" : "pending";
  const std::string error = stopped ? "opted_out" : "";
  tx.execute(
      "INSERT INTO notification_messages (message_key, company_id, channel, recipient, template, "
      "language, body, time_zone, status, error_code, created_at_ms, updated_at_ms) "
      "VALUES ($1, $2, 'sms', $3, $4, $5, $6, $7, $8, $9, $10, $10)",
      d.key, d.company, d.to, d.kind, d.language, d.body, d.time_zone, status, error, now_ms);
  if (stopped) {
    host_.log()->info("{}: {} said STOP: not texted", d.key, d.to);
    return true;
  }
  // Inside quiet hours the job waits for their end: deferred, never dropped.
  const auto at = quietUntil(tx, d.company, d.time_zone, now).value_or(now);
  host_.jobs().enqueue("sms", d.key, at, d.key, &tx);
  return true;
}

std::string Outbox::send(const switchboard::InboxItem& job) {
  std::string company, to, body;
  // The connection goes back before the provider is called.
  const auto skip = host_.store().database().read([&](switchboard::db::Session& db) {
    const auto row = db.one(
        "SELECT status, company_id, recipient, body, time_zone FROM notification_messages "
        "WHERE message_key = $1",
        job.payload);
    if (!row) throw std::runtime_error("no outbox row " + job.payload);
    company = row->get<std::string>(1);
    to = row->get<std::string>(2);
    body = row->get<std::string>(3);
    if (row->get<std::string>(0) != "pending") return std::string(R"({"unchanged":true})");
    if (optedOut(db, to)) return std::string(R"({"status":"skipped","error_code":"opted_out"})");
    const auto now = host_.clock().now();
    if (auto until = quietUntil(db, company, row->get<std::string>(4), now))
      throw switchboard::RetryLater(
          std::chrono::duration_cast<std::chrono::milliseconds>(*until - now),
          "quiet hours until " + switchboard::time::formatUtc(*until));
    return std::string();
  });
  if (!skip.empty()) return skip;
  auto sender = host_.services().find<contracts::SmsSender>();
  if (!sender) throw std::runtime_error("no SMS provider (contract.sms) is running");
  json::Builder b;
  b.object();
  try {
    const auto receipt = sender->send({company, to, body, job.payload, job.attempt > 1});
    b.field("status", receipt.status).field("ref", receipt.ref.id);
  } catch (const contracts::SmsError& e) {
    if (!e.permanent()) throw;  // temporary: the job tries again with backoff
    b.field("status", "failed").field("error_code", e.code()).field("error", e.what());
  }
  return b.end().str();
}

void Outbox::record(const switchboard::InboxItem& job, const std::string& result,
                    switchboard::db::Session& tx) {
  const auto doc = json::parse(result);
  const auto r = doc.root();
  if (r.boolean("unchanged").value_or(false)) return;
  const auto status = r.string("status").value_or("queued");
  const auto ref = r.string("ref").value_or("");
  const auto code = r.string("error_code").value_or("");
  const long long now = toMs(host_.clock().now());
  tx.execute(
      "UPDATE notification_messages SET status = $1, provider_ref = $2, error_code = $3, "
      "updated_at_ms = $4 WHERE message_key = $5 AND status = 'pending'",
      status, ref, code, now, job.payload);
  if (code == kOptedOutCode)
    if (const auto row =
            tx.one("SELECT recipient, company_id FROM notification_messages WHERE message_key = $1",
                   job.payload))
      optOut(tx, row->get<std::string>(0), row->get<std::string>(1), now);
  if (status == "failed")
    host_.log()->warn("{}: not sent, permanently: {} {}", job.payload, code,
                      r.string("error").value_or(""));
}

void Outbox::onStatus(const switchboard::events::SmsStatus& s,
                      const switchboard::EventDelivery& d) {
  auto& tx = *d.tx;
  // Our reference from the callback's URL finds the message even when the callback overtook
  // the send's record step; the provider's id finds one sent without it.
  const bool by_reference = !s.reference.empty();
  const auto row =
      tx.one(std::string("SELECT message_key, status, company_id, price_minor, provider_ref FROM "
                         "notification_messages WHERE ") +
                 (by_reference ? "message_key" : "provider_ref") + " = $1 AND channel = 'sms'" +
                 tx.forUpdate(),  // two reports of one message: one after the other
             by_reference ? s.reference : s.message.id);
  if (!row) {
    host_.log()->warn("status {} for message {} ({}): not one of ours", s.status, s.message.id,
                      by_reference ? s.reference : "no reference");
    return;
  }
  const auto key = row->get<std::string>(0), company = row->get<std::string>(2);
  const long long now = toMs(host_.clock().now());
  if (row->get<std::optional<std::string>>(4).value_or("").empty())
    tx.execute("UPDATE notification_messages SET provider_ref = $1 WHERE message_key = $2",
               s.message.id, key);
  const int from = rankOf(row->get<std::string>(1)), to = rankOf(s.status);
  if (to >= 0 && to > from && !(from == 4))
    tx.execute(
        "UPDATE notification_messages SET status = $1, error_code = $2, updated_at_ms = $3 "
        "WHERE message_key = $4",
        s.status, s.error_code, now, key);
  if (s.error_code == kOptedOutCode) optOut(tx, s.to, company, now);
  // The SMS's price, once, as the platform's cost (Twilio reports it with a late callback).
  if (s.price && s.price->minor > 0 && row->isNull(3)) {
    tx.execute(
        "UPDATE notification_messages SET price_minor = $1, price_currency = $2 "
        "WHERE message_key = $3",
        s.price->minor, s.price->currency, key);
    if (auto ledger = host_.services().find<domain::Ledger>(); ledger && !company.empty()) {
      domain::PlatformCost cost;
      cost.company_id = company;
      cost.platform = "twilio";
      cost.amount = *s.price;
      cost.incurred_at = s.at;
      ledger->addPlatformCost(tx, company, cost);
    }
  }
}

void Outbox::onReceived(const switchboard::events::SmsReceived& m, switchboard::db::Session& tx) {
  const long long now = toMs(host_.clock().now());
  if (m.opt_out) {
    optOut(tx, m.from, m.company, now);
    host_.log()->info("{} said STOP: never texted again", m.from);
  } else if (m.opt_in) {
    tx.execute("DELETE FROM notification_optouts WHERE phone = $1", m.from);
    host_.log()->info("{} said START: may be texted again", m.from);
  }
}

}  // namespace notifications
