// A webhook provider double for the durable inbox: HMAC-signed JSON webhooks whose body says
// how processing should behave, and tables that show how often each one was processed.
//
// body: {"id": "evt_1", "type": "parcel.sent", "fail": 2, "needs_heal": false,
//        "work_ms": 0, "followup": false}
//   fail:       the first N attempts throw
//   needs_heal: attempts throw until POST /heal (a handler named `heal`)
//   work_ms:    processing takes this long (a crash test kills the server meanwhile)
//   followup:   processing queues a `followup` job in its transaction
//   noop:       processing does nothing at all (the ingest benchmark's processor)
//   announce:   processing publishes courier.processed {"id", "attempt"} before it may fail;
//               the courier's own `tally` subscriber counts deliveries (GET handler `tallied`)
//   tally_ms:   with announce, the inline `tally` delivery takes this long (its payload says so)
// header: X-Courier-Signature: hex(HMAC-SHA256(secret, body))
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <switchboard/sdk.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "switchboard/db.h"

namespace {

using switchboard::HttpRequest;
using switchboard::HttpResponse;

struct Instructions {
  std::string id, type;
  int fail = 0;
  bool needs_heal = false;
  int work_ms = 0;
  bool followup = false;
  bool noop = false;
  bool announce = false;
  int tally_ms = 0;
};

Instructions parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject())
    throw std::invalid_argument("body is not a JSON object");
  if (!doc.HasMember("id") || !doc["id"].IsString() || doc["id"].GetStringLength() == 0)
    throw std::invalid_argument("body has no id");
  Instructions in;
  in.id.assign(doc["id"].GetString(), doc["id"].GetStringLength());  // NULs kept, as sent
  in.type = doc.HasMember("type") && doc["type"].IsString() ? doc["type"].GetString() : "unknown";
  if (doc.HasMember("fail") && doc["fail"].IsInt()) in.fail = doc["fail"].GetInt();
  if (doc.HasMember("needs_heal") && doc["needs_heal"].IsBool())
    in.needs_heal = doc["needs_heal"].GetBool();
  if (doc.HasMember("work_ms") && doc["work_ms"].IsInt()) in.work_ms = doc["work_ms"].GetInt();
  if (doc.HasMember("followup") && doc["followup"].IsBool())
    in.followup = doc["followup"].GetBool();
  if (doc.HasMember("noop") && doc["noop"].IsBool()) in.noop = doc["noop"].GetBool();
  if (doc.HasMember("announce") && doc["announce"].IsBool())
    in.announce = doc["announce"].GetBool();
  if (doc.HasMember("tally_ms") && doc["tally_ms"].IsInt()) in.tally_ms = doc["tally_ms"].GetInt();
  return in;
}

class CourierPlugin final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override { return {"courier", "1.0.0", {}, {}}; }

  std::vector<switchboard::Migration> migrations(const std::string&) const override {
    return {{"0001_processed",
             "CREATE TABLE courier_processed (event_id TEXT NOT NULL, attempt INT NOT NULL, "
             "pid INT NOT NULL);"
             "CREATE TABLE courier_jobs (event_id TEXT NOT NULL, attempt INT NOT NULL)"}};
  }

  void configure(switchboard::Host& host) override {
    if (!host.config()["secret"])
      throw switchboard::ConfigError(host.config(), "courier needs a secret");
    secret_ = host.config()["secret"].as<std::string>();
    host_ = &host;

    switchboard::DurableHandler webhook;
    webhook.verify = [this](const HttpRequest& r) -> std::optional<HttpResponse> {
      const auto signature = r.header("x-courier-signature");
      if (!signature || !switchboard::crypto::constantTimeEquals(
                            *signature, switchboard::crypto::hmacSha256Hex(secret_, r.body)))
        return HttpResponse::error(r, 401, "bad signature");
      return std::nullopt;
    };
    webhook.identify = [](const HttpRequest& r) {
      const auto in = parse(r.body);
      return switchboard::WebhookIdentity{in.id, in.type, "", {"x-courier-signature"}};
    };
    webhook.process = [this](const switchboard::InboxItem& item, switchboard::db::Session& tx) {
      const auto in = parse(item.payload);
      if (in.noop) return;
      if (in.work_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(in.work_ms));
      if (in.announce) {
        switchboard::Event event;
        event.topic = "courier.processed";
        event.payload = R"({"id":")" + in.id + R"(","attempt":)" + std::to_string(item.attempt) +
                        (in.tally_ms > 0 ? R"(,"tally_ms":)" + std::to_string(in.tally_ms) : "") +
                        "}";
        host_->events().publish(std::move(event));
      }
      if (item.attempt <= in.fail)
        throw std::runtime_error("told to fail attempt " + std::to_string(item.attempt));
      if (in.needs_heal && !healed_) throw std::runtime_error("not healed yet");
      tx.execute("INSERT INTO courier_processed (event_id, attempt, pid) VALUES ($1, $2, $3)",
                 in.id, item.attempt, static_cast<int>(getpid()));
      if (in.followup)
        host_->jobs().enqueue("followup", in.id, host_->clock().now(), "followup:" + in.id, &tx);
    };
    host.http().durable("webhook", std::move(webhook));

    host.jobs().handler("followup",
                        [](const switchboard::InboxItem& job, switchboard::db::Session& tx) {
                          tx.execute("INSERT INTO courier_jobs (event_id, attempt) VALUES ($1, $2)",
                                     job.payload, job.attempt);
                        });
    host.events().handler("tally", [this](const switchboard::Event& e) {
      rapidjson::Document doc;
      doc.Parse(e.payload.c_str(), e.payload.size());
      if (doc.IsObject() && doc.HasMember("tally_ms") && doc["tally_ms"].IsInt())
        std::this_thread::sleep_for(std::chrono::milliseconds(doc["tally_ms"].GetInt()));
      std::lock_guard lock(tally_mutex_);
      ++tally_[e.id + " " + e.payload];
    });
    // {"<event id> <payload>": deliveries, ...}
    host.http().handler("tallied", [this](const HttpRequest&) {
      std::lock_guard lock(tally_mutex_);
      rapidjson::StringBuffer out;
      rapidjson::Writer<rapidjson::StringBuffer> w(out);
      w.StartObject();
      for (const auto& [key, n] : tally_) {
        w.Key(key.c_str());
        w.Int(n);
      }
      w.EndObject();
      return HttpResponse::json(200, out.GetString());
    });
    host.http().handler("heal", [this](const HttpRequest&) {
      healed_ = true;
      return HttpResponse::json(200, R"({"healed":true})");
    });
    // {"evt_1": 1, ...}: how many times each event was processed.
    host.http().handler("processed", [this](const HttpRequest&) {
      const auto rows = host_->store().database().read([](switchboard::db::Session& s) {
        return s.query("SELECT event_id FROM courier_processed ORDER BY event_id");
      });
      std::map<std::string, int> counts;
      for (const auto& row : rows) ++counts[row.get<std::string>(0)];
      std::string out = "{";
      for (const auto& [id, n] : counts)
        out += (out.size() > 1 ? "," : "") + ("\"" + id + "\":" + std::to_string(n));
      return HttpResponse::json(200, out + "}");
    });
  }

 private:
  std::string secret_;
  switchboard::Host* host_ = nullptr;
  std::atomic<bool> healed_{false};
  std::mutex tally_mutex_;
  std::map<std::string, int> tally_;
};

}  // namespace

SWITCHBOARD_PLUGIN(CourierPlugin)
