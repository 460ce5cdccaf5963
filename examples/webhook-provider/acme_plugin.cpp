// A complete provider plugin, built out of tree against the installed SDK: "Acme Parcels"
// posts signed webhooks when a parcel's status changes; a delivered parcel is confirmed back
// to Acme's API. It shows each thing a provider needs, once:
//  - a durable signed webhook (verify → identify → acknowledged → processed exactly once),
//  - its own table, shipped as migrations embedded at build time, read and written through the
//    SDK's database API (switchboard/db.h: $1 parameters bound by value, rows read with get<T>),
//  - a job that calls the upstream outside any transaction and records the answer once
//    (UpstreamCallJob), with an idempotency key derived from the intent,
//  - a service other plugins can look up, a health check, a CLI command,
//  - its config read with the SDK's YamlReader (file:line:col errors).
#include <switchboard/config/plugin_config.h>
#include <switchboard/db.h>
#include <switchboard/sdk.h>

#include "parcel_status.h"

namespace acme {
std::vector<switchboard::Migration> migrations(const std::string& backend);  // generated
}

namespace {

using switchboard::HttpRequest;
using switchboard::HttpResponse;
namespace json = switchboard::json;

class Parcels final : public acme::ParcelStatus {
 public:
  explicit Parcels(switchboard::db::Database& db) : db_(db) {}
  std::optional<std::string> status(const std::string& parcel) override {
    return db_.read([&](switchboard::db::Session& s) -> std::optional<std::string> {
      const auto row = s.one("SELECT status FROM acme_parcels WHERE id = $1", parcel);
      if (!row) return std::nullopt;
      return row->get<std::string>(0);
    });
  }

 private:
  switchboard::db::Database& db_;
};

class AcmePlugin final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override {
    return {"acme", "1.0.0", {acme::ParcelStatus::kServiceName}, {}};
  }

  std::vector<switchboard::Migration> migrations(const std::string& backend) const override {
    return acme::migrations(backend);
  }

  void configure(switchboard::Host& host) override {
    host_ = &host;
    switchboard::readPluginConfig(
        host, [&](switchboard::config::YamlReader& r, const YAML::Node& c) {
          if (!r.isMap(c, "config")) return;
          r.map(c, "config", {"secret", "base_url", "api_key"});
          secret_ = r.string(c, "secret", "config", /*required=*/true).value_or("");
          api_key_ = r.string(c, "api_key", "config", /*required=*/true).value_or("");
          base_url_ = r.string(c, "base_url", "config").value_or("https://api.acme.example");
        });
    parcels_ = std::make_shared<Parcels>(host.store().database());
    host.services().provide<acme::ParcelStatus>(parcels_);

    switchboard::DurableHandler webhook;
    webhook.verify = [this](const HttpRequest& r) -> std::optional<HttpResponse> {
      const auto given = r.header("x-acme-signature");
      const auto expected = switchboard::crypto::hmacSha256Hex(secret_, r.body);
      if (!given || !switchboard::crypto::constantTimeEquals(*given, expected))
        return HttpResponse::error(r, 401, "missing or wrong X-Acme-Signature");
      return std::nullopt;
    };
    webhook.identify = [](const HttpRequest& r) {
      const auto doc = json::parse(r.body);  // json::ParseError is an invalid_argument: 400
      return switchboard::WebhookIdentity{
          doc.root().requireString("id"), doc.root().requireString("type"), "", {}};
    };
    webhook.process = [this](const switchboard::InboxItem& item, switchboard::db::Session& tx) {
      const auto doc = json::parse(item.payload);
      const auto parcel = doc.root()["data"].requireString("parcel");
      const auto status = doc.root()["data"].requireString("status");
      const auto at = switchboard::time::formatUtc(item.received_at);
      // Exactly once: this runs in the transaction that marks the webhook done.
      tx.execute(
          "INSERT INTO acme_parcels (id, status, updated_at) VALUES ($1, $2, $3) "
          "ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = "
          "excluded.updated_at",
          parcel, status, at);
      // The intent, in the same transaction; the job's key makes it once per parcel.
      if (status == "delivered")
        host_->jobs().enqueue("confirm",
                              json::Builder().object().field("parcel", parcel).end().str(),
                              host_->clock().now(), "confirm:" + parcel, &tx);
    };
    host.http().durable("webhook", webhook);

    host.jobs().upstreamCall(
        "confirm", {[this](const switchboard::InboxItem& job) { return confirm(job); },
                    [](const switchboard::InboxItem& job, const std::string& result,
                       switchboard::db::Session& tx) {
                      tx.execute("UPDATE acme_parcels SET confirmation = $1 WHERE id = $2",
                                 json::parse(result).root().requireString("id"),
                                 json::parse(job.payload).root().requireString("parcel"));
                    }});

    host.http().handler("parcel", [this](const HttpRequest& r) {
      const std::string id(r.param("id").value_or(""));
      const auto row = host_->store().database().read([&](switchboard::db::Session& s) {
        return s.one("SELECT status, confirmation FROM acme_parcels WHERE id = $1", id);
      });
      if (!row) return HttpResponse::error(r, 404, "no such parcel");
      return HttpResponse::json(200,
                                json::Builder()
                                    .object()
                                    .field("parcel", id)
                                    .field("status", row->get<std::string>(0))
                                    .field("confirmation", row->get<std::optional<std::string>>(1))
                                    .end()
                                    .str());
    });

    host.command(
        {"parcel", "ID", "Show a parcel's last reported status",
         [this](const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
           if (args.size() != 1) {
             err << "usage: switchboard " << host_->name() << " parcel ID\n";
             return 2;
           }
           const auto status = parcels_->status(args[0]);
           if (!status) {
             err << "no parcel " << args[0] << "\n";
             return 1;
           }
           out << args[0] << ": " << *status << "\n";
           return 0;
         }});

    host.healthCheck("confirmations", [this] {
      const auto pending = host_->store().database().read([](switchboard::db::Session& s) {
        return s
            .one(
                "SELECT COUNT(*) FROM acme_parcels WHERE status = 'delivered' AND "
                "confirmation IS NULL")
            ->get<int>(0);
      });
      return switchboard::HealthStatus{true, {{"unconfirmed", pending}}, {}, {}};
    });
  }

 private:
  // Outside any transaction. Acme honours Idempotency-Key: a repeat after a crash gets the
  // first confirmation back instead of a second one.
  std::string confirm(const switchboard::InboxItem& job) {
    switchboard::OutboundRequest request("POST", base_url_ + "/v1/confirmations");
    request.bearer(api_key_).json(job.payload);
    request.idempotency_key = job.key;
    const auto response = host_->client().send(request);
    if (response.retry_after)
      throw switchboard::RetryLater(*response.retry_after, "Acme asked to wait");
    if (!response.ok())
      throw std::runtime_error("Acme answered " + std::to_string(response.status) + " " +
                               response.error);
    return response.body;
  }

  switchboard::Host* host_ = nullptr;
  std::string secret_, api_key_, base_url_;
  std::shared_ptr<Parcels> parcels_;
};

}  // namespace

SWITCHBOARD_PLUGIN(AcmePlugin)
