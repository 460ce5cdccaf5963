// A provider double for the "call an upstream, then record what happened" pattern
// (switchboard/inbox.h, UpstreamCallJob): POST /intents records an intent and queues a `book`
// job in one transaction; the job books it upstream outside any transaction, then records the
// booking in a new one.
//
// config:
//   base_url:     the upstream (a FakeUpstream in tests)
//   lookup:       true: the upstream has no idempotency keys (like Cal.com); the job first
//                 looks its booking up by our reference (GET /bookings?reference=KEY)
//   crash_marker: a file; when it exists after the upstream answered, the process deletes it
//                 and exits at once (a crash between the call and the record)
#include <switchboard/config/plugin_config.h>
#include <switchboard/sdk.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "switchboard/db.h"

namespace {

using switchboard::HttpRequest;
using switchboard::HttpResponse;
namespace json = switchboard::json;

class BookerPlugin final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override { return {"booker", "1.0.0", {}, {}}; }

  std::vector<switchboard::Migration> migrations(const std::string&) const override {
    return {{"0001_intents",
             "CREATE TABLE booker_intents (id TEXT PRIMARY KEY, slot TEXT NOT NULL,"
             " booking_id TEXT, recorded INTEGER NOT NULL DEFAULT 0)"},
            {"0002_audit",
             "CREATE TABLE booker_audit (event_id TEXT NOT NULL, attempt INTEGER NOT NULL)"}};
  }

  void configure(switchboard::Host& host) override {
    host_ = &host;
    switchboard::readPluginConfig(
        host, [&](switchboard::config::YamlReader& r, const YAML::Node& c) {
          if (!r.isMap(c, "config")) return;
          r.map(c, "config", {"base_url", "lookup", "crash_marker"});  // unknown keys reported
          base_url_ = r.string(c, "base_url", "config", /*required=*/true).value_or("");
          lookup_ = r.boolean(c, "lookup", "config").value_or(false);
          crash_marker_ = r.string(c, "crash_marker", "config").value_or("");
        });

    host.http().handler("intend", [this](const HttpRequest& r) {
      const auto doc = json::parse(r.body);
      const auto id = doc.root().requireString("id");
      const auto slot = doc.root().requireString("slot");
      host_->store().database().write([&](switchboard::db::Session& tx) {
        tx.execute("INSERT INTO booker_intents (id, slot) VALUES ($1, $2)", id, slot);
        host_->jobs().enqueue(
            "book", json::Builder().object().field("id", id).field("slot", slot).end().str(),
            host_->clock().now(), "booking:" + id, &tx);
      });
      return HttpResponse::json(202, R"({"queued":true})");
    });
    // POST /intend_inline breaks the rule on purpose: the upstream is called inside write().
    host.http().handler("intend_inline", [this](const HttpRequest& r) {
      const auto id = json::parse(r.body).root().requireString("id");
      host_->store().database().write([&](switchboard::db::Session& tx) {
        tx.execute("INSERT INTO booker_intents (id, slot) VALUES ($1, 'inline')", id);
        switchboard::OutboundRequest create("POST", base_url_ + "/bookings");
        create.json(R"({"reference":"inline"})");
        host_->client().send(create);
      });
      return HttpResponse::json(200, "{}");
    });
    // POST /announce publishes booker.announced with the body as payload; `audit`, subscribed
    // async, writes (event id, attempt) through its delivery's transaction and fails attempt 1
    // when the payload says {"fail_first": true}.
    host.http().handler("announce", [this](const HttpRequest& r) {
      switchboard::Event e;
      e.topic = "booker.announced";
      e.payload = r.body;
      const auto id = host_->events().publish(e);
      return HttpResponse::json(202, json::Builder().object().field("id", id).end().str());
    });
    host.events().transactionalHandler(
        "audit", [](const switchboard::Event& e, const switchboard::EventDelivery& d) {
          if (!d.tx) throw std::logic_error("audit must be subscribed async");
          d.tx->execute("INSERT INTO booker_audit (event_id, attempt) VALUES ($1, $2)", e.id,
                        d.attempt);
          if (d.attempt == 1 && json::parse(e.payload).root().boolean("fail_first").value_or(false))
            throw std::runtime_error("first attempt fails on purpose");
        });
    // `relay`, subscribed async to booker.announced, writes its own audit row and publishes
    // booker.relayed: subscribed with `transaction: true`, audit then runs in relay's attempt.
    host.events().transactionalHandler("relay", [this](const switchboard::Event& e,
                                                       const switchboard::EventDelivery& d) {
      if (!d.tx) throw std::logic_error("relay must be subscribed async");
      const std::string id = e.id + ":relay";
      d.tx->execute("INSERT INTO booker_audit (event_id, attempt) VALUES ($1, $2)", id, d.attempt);
      switchboard::Event next;
      next.topic = "booker.relayed";
      next.payload = e.payload;
      next.id = e.id;
      host_->events().publish(next);
    });
    host.http().handler("audit", [this](const HttpRequest&) {
      const auto rows = host_->store().database().read([](switchboard::db::Session& s) {
        return s.query("SELECT event_id, attempt FROM booker_audit ORDER BY attempt, event_id");
      });
      json::Builder b;
      b.array();
      for (const auto& row : rows)
        b.object().field("event", row.get<std::string>(0)).field("attempt", row.get<int>(1)).end();
      return HttpResponse::json(200, b.end().str());
    });
    host.http().handler("intent", [this](const HttpRequest& r) {
      const std::string id(r.param("id").value_or(""));
      const auto row = host_->store().database().read([&](switchboard::db::Session& s) {
        return s.one("SELECT booking_id, recorded FROM booker_intents WHERE id = $1", id);
      });
      return HttpResponse::json(
          200,
          json::Builder()
              .object()
              .field("booking_id", row ? row->get<std::optional<std::string>>(0).value_or("") : "")
              .field("recorded", row ? row->get<int>(1) : 0)
              .end()
              .str());
    });

    // `switchboard booker intents [ID]`: what the database holds, for admins.
    host.command(
        {"intents", "[ID]", "List recorded intents and their bookings",
         [this](const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
           if (args.size() > 1) {
             err << "usage: switchboard " << host_->name() << " intents [ID]\n";
             return 2;
           }
           const auto rows = host_->store().database().read([](switchboard::db::Session& s) {
             return s.query(
                 "SELECT id, slot, booking_id, recorded FROM booker_intents ORDER BY id");
           });
           int shown = 0;
           for (const auto& row : rows) {
             const auto id = row.get<std::string>(0);
             if (!args.empty() && id != args[0]) continue;
             out << id << "\t" << row.get<std::string>(1) << "\t"
                 << row.get<std::optional<std::string>>(2).value_or("-") << "\t" << row.get<int>(3)
                 << "\n";
             ++shown;
           }
           if (shown == 0 && !args.empty()) {
             err << "no intent " << args[0] << "\n";
             return 1;
           }
           return 0;
         }});

    host.jobs().upstreamCall(
        "book", {[this](const switchboard::InboxItem& job) { return book(job); },
                 [](const switchboard::InboxItem& job, const std::string& result,
                    switchboard::db::Session& tx) {
                   tx.execute(
                       "UPDATE booker_intents SET booking_id = $1, recorded = recorded + 1 "
                       "WHERE id = $2",
                       json::parse(result).root().requireString("id"),
                       json::parse(job.payload).root().requireString("id"));
                 }});
  }

 private:
  // Returns the booking's JSON ({"id": ...}).
  std::string book(const switchboard::InboxItem& job) {
    const auto payload = json::parse(job.payload);
    if (lookup_) {
      switchboard::OutboundRequest find(
          "GET", base_url_ + "/bookings?reference=" + switchboard::percentEncode(job.key));
      const auto found = host_->client().send(find);
      if (!found.ok()) throw std::runtime_error("lookup failed: " + std::to_string(found.status));
      const auto items = json::parse(found.body).root()["data"].items();
      if (!items.empty()) return items.front().text();  // booked before a crash: that one
    }
    switchboard::OutboundRequest create("POST", base_url_ + "/bookings");
    create.json(json::Builder()
                    .object()
                    .field("slot", payload.root().requireString("slot"))
                    .field("reference", job.key)
                    .end()
                    .str());
    create.idempotency_key = job.key;
    if (lookup_) create.idempotency_header.clear();
    const auto response = host_->client().send(create);
    if (response.retry_after)
      throw switchboard::RetryLater(*response.retry_after, "upstream asked to wait");
    if (!response.ok())
      throw std::runtime_error("booking failed: " + std::to_string(response.status) + " " +
                               response.error);
    if (!crash_marker_.empty() && std::filesystem::exists(crash_marker_)) {
      std::filesystem::remove(crash_marker_);
      std::fflush(nullptr);
      std::_Exit(3);  // the upstream booked it; we never recorded that
    }
    return json::parse(response.body).root()["data"].text();
  }

  switchboard::Host* host_ = nullptr;
  std::string base_url_, crash_marker_;
  bool lookup_ = false;
};

}  // namespace

SWITCHBOARD_PLUGIN(BookerPlugin)
