#include "outbox.h"

#include <soci/soci.h>

#include "switchboard/contracts/sms.h"
#include "switchboard/domain/repositories.h"
#include "switchboard/errors.h"
#include "switchboard/json.h"
#include "switchboard/sql_row.h"
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
void optOut(soci::session& tx, const std::string& phone, const std::string& company,
            long long now_ms) {
  tx << "INSERT INTO notification_optouts (phone, company_id, opted_out_at_ms) "
        "VALUES (:p, :c, :now) ON CONFLICT (phone) DO NOTHING",
      soci::use(phone), soci::use(company), soci::use(now_ms);
}

}  // namespace

Outbox::Outbox(switchboard::Host& host, QuietHours default_quiet)
    : host_(host), default_quiet_(default_quiet) {}

void Outbox::registerJobs() {
  host_.jobs().upstreamCall("sms",
                            {[this](const switchboard::InboxItem& job) { return send(job); },
                             [this](const switchboard::InboxItem& job, const std::string& result,
                                    soci::session& tx) { record(job, result, tx); }});
}

bool Outbox::optedOut(soci::session& db, const std::string& phone) {
  int n = 0;
  db << "SELECT COUNT(*) FROM notification_optouts WHERE phone = :p", soci::use(phone),
      soci::into(n);
  return n > 0;
}

std::optional<switchboard::TimePoint> Outbox::quietUntil(soci::session& db,
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

bool Outbox::queue(soci::session& tx, const SmsDraft& d) {
  const auto now = host_.clock().now();
  const long long now_ms = toMs(now);
  int known = 0;
  tx << "SELECT COUNT(*) FROM notification_messages WHERE message_key = :k", soci::use(d.key),
      soci::into(known);
  if (known > 0) {
    host_.log()->info("{}: told already, not again", d.key);
    return false;
  }
  const bool stopped = optedOut(tx, d.to);
  const std::string status = stopped ? "skipped" : "pending";
  const std::string error = stopped ? "opted_out" : "";
  tx << "INSERT INTO notification_messages (message_key, company_id, channel, recipient, "
        "template, language, body, time_zone, status, error_code, created_at_ms, "
        "updated_at_ms) VALUES (:k, :c, 'sms', :to, :t, :l, :b, :z, :s, :e, :now, :now2)",
      soci::use(d.key), soci::use(d.company), soci::use(d.to), soci::use(d.kind),
      soci::use(d.language), soci::use(d.body), soci::use(d.time_zone), soci::use(status),
      soci::use(error), soci::use(now_ms), soci::use(now_ms);
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
  std::string status, company, to, body, zone;
  {
    auto db = host_.store().session();  // returned before the provider is called
    soci::indicator ind = soci::i_ok;
    *db << "SELECT status, company_id, recipient, body, time_zone FROM notification_messages "
           "WHERE message_key = :k",
        soci::use(job.payload), soci::into(status, ind), soci::into(company), soci::into(to),
        soci::into(body), soci::into(zone);
    if (!db->got_data()) throw std::runtime_error("no outbox row " + job.payload);
    if (status != "pending") return R"({"unchanged":true})";
    if (optedOut(*db, to)) return R"({"status":"skipped","error_code":"opted_out"})";
    const auto now = host_.clock().now();
    if (auto until = quietUntil(*db, company, zone, now))
      throw switchboard::RetryLater(
          std::chrono::duration_cast<std::chrono::milliseconds>(*until - now),
          "quiet hours until " + switchboard::time::formatUtc(*until));
  }
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
                    soci::session& tx) {
  const auto doc = json::parse(result);
  const auto r = doc.root();
  if (r.boolean("unchanged").value_or(false)) return;
  const auto status = r.string("status").value_or("queued");
  const auto ref = r.string("ref").value_or("");
  const auto code = r.string("error_code").value_or("");
  const long long now = toMs(host_.clock().now());
  tx << "UPDATE notification_messages SET status = :s, provider_ref = :r, error_code = :e, "
        "updated_at_ms = :now WHERE message_key = :k AND status = 'pending'",
      soci::use(status), soci::use(ref), soci::use(code), soci::use(now), soci::use(job.payload);
  if (code == kOptedOutCode) {
    std::string to, company;
    tx << "SELECT recipient, company_id FROM notification_messages WHERE message_key = :k",
        soci::use(job.payload), soci::into(to), soci::into(company);
    optOut(tx, to, company, now);
  }
  if (status == "failed")
    host_.log()->warn("{}: not sent, permanently: {} {}", job.payload, code,
                      r.string("error").value_or(""));
}

void Outbox::onStatus(const switchboard::events::SmsStatus& s,
                      const switchboard::EventDelivery& d) {
  auto& tx = *d.tx;
  std::string key, current, company, ref;
  soci::indicator price_ind = soci::i_null, ref_ind = soci::i_null;
  long long price = 0;
  // Our reference from the callback's URL finds the message even when the callback overtook
  // the send's record step; the provider's id finds one sent without it.
  const bool by_reference = !s.reference.empty();
  tx << std::string(
            "SELECT message_key, status, company_id, price_minor, provider_ref FROM "
            "notification_messages WHERE ") +
            (by_reference ? "message_key" : "provider_ref") + " = :r AND channel = 'sms'" +
            switchboard::sql::forUpdate(tx),  // two reports of one message: one after the other
      soci::use(by_reference ? s.reference : s.message.id), soci::into(key), soci::into(current),
      soci::into(company), soci::into(price, price_ind), soci::into(ref, ref_ind);
  if (!tx.got_data()) {
    host_.log()->warn("status {} for message {} ({}): not one of ours", s.status, s.message.id,
                      by_reference ? s.reference : "no reference");
    return;
  }
  const long long now = toMs(host_.clock().now());
  if (ref_ind != soci::i_ok || ref.empty())
    tx << "UPDATE notification_messages SET provider_ref = :r WHERE message_key = :k",
        soci::use(s.message.id), soci::use(key);
  const int from = rankOf(current), to = rankOf(s.status);
  if (to >= 0 && to > from && !(from == 4)) {
    tx << "UPDATE notification_messages SET status = :s, error_code = :e, updated_at_ms = :now "
          "WHERE message_key = :k",
        soci::use(s.status), soci::use(s.error_code), soci::use(now), soci::use(key);
  }
  if (s.error_code == kOptedOutCode) optOut(tx, s.to, company, now);
  // The SMS's price, once, as the platform's cost (Twilio reports it with a late callback).
  if (s.price && s.price->minor > 0 && price_ind == soci::i_null) {
    const long long minor = s.price->minor;
    tx << "UPDATE notification_messages SET price_minor = :m, price_currency = :c "
          "WHERE message_key = :k",
        soci::use(minor), soci::use(s.price->currency), soci::use(key);
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

void Outbox::onReceived(const switchboard::events::SmsReceived& m, soci::session& tx) {
  const long long now = toMs(host_.clock().now());
  if (m.opt_out) {
    optOut(tx, m.from, m.company, now);
    host_.log()->info("{} said STOP: never texted again", m.from);
  } else if (m.opt_in) {
    tx << "DELETE FROM notification_optouts WHERE phone = :p", soci::use(m.from);
    host_.log()->info("{} said START: may be texted again", m.from);
  }
}

}  // namespace notifications
