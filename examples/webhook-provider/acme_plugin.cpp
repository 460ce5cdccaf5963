// A complete provider plugin, built out of tree against the installed SDK: "Acme Parcels"
// posts signed webhooks when a parcel's status changes; a delivered parcel is confirmed back
// to Acme's API. It shows each thing a provider needs, once:
//  - a durable signed webhook (verify → identify → acknowledged → processed exactly once),
//  - its own table, shipped as migrations embedded at build time,
//  - a job that calls the upstream outside any transaction and records the answer once
//    (UpstreamCallJob), with an idempotency key derived from the intent,
//  - a service other plugins can look up, a health check, a CLI command,
//  - its config read with the SDK's YamlReader (file:line:col errors).
#include <soci/soci.h>
#include <switchboard/config/plugin_config.h>
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
  explicit Parcels(switchboard::Store& store) : store_(store) {}
  std::optional<std::string> status(const std::string& parcel) override {
    auto session = store_.session();
    std::string status;
    *session << "SELECT status FROM acme_parcels WHERE id = :id", soci::into(status),
        soci::use(parcel);
    if (!session->got_data()) return std::nullopt;
    return status;
  }

 private:
  switchboard::Store& store_;
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
    parcels_ = std::make_shared<Parcels>(host.store());
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
    webhook.process = [this](const switchboard::InboxItem& item, soci::session& tx) {
      const auto doc = json::parse(item.payload);
      const auto parcel = doc.root()["data"].requireString("parcel");
      const auto status = doc.root()["data"].requireString("status");
      const auto at = switchboard::time::formatUtc(item.received_at);
      // Exactly once: this runs in the transaction that marks the webhook done.
      int known = 0;
      tx << "SELECT COUNT(*) FROM acme_parcels WHERE id = :id", soci::into(known),
          soci::use(parcel);
      if (known == 0)
        tx << "INSERT INTO acme_parcels (id, status, updated_at) VALUES (:id, :s, :t)",
            soci::use(parcel), soci::use(status), soci::use(at);
      else
        tx << "UPDATE acme_parcels SET status = :s, updated_at = :t WHERE id = :id",
            soci::use(status), soci::use(at), soci::use(parcel);
      // The intent, in the same transaction; the job's key makes it once per parcel.
      if (status == "delivered")
        host_->jobs().enqueue("confirm",
                              json::Builder().object().field("parcel", parcel).end().str(),
                              host_->clock().now(), "confirm:" + parcel, &tx);
    };
    host.http().durable("webhook", webhook);

    host.jobs().upstreamCall(
        "confirm",
        {[this](const switchboard::InboxItem& job) { return confirm(job); },
         [](const switchboard::InboxItem& job, const std::string& result, soci::session& tx) {
           const auto parcel = json::parse(job.payload).root().requireString("parcel");
           const auto id = json::parse(result).root().requireString("id");
           tx << "UPDATE acme_parcels SET confirmation = :c "
                 "WHERE id = :id",
               soci::use(id), soci::use(parcel);
         }});

    host.http().handler("parcel", [this](const HttpRequest& r) {
      const std::string id(r.param("id").value_or(""));
      auto session = host_->store().session();
      std::string status, confirmation;
      soci::indicator confirmed = soci::i_null;
      *session << "SELECT status, confirmation FROM acme_parcels WHERE id = :id",
          soci::into(status), soci::into(confirmation, confirmed), soci::use(id);
      if (!session->got_data()) return HttpResponse::error(r, 404, "no such parcel");
      return HttpResponse::json(
          200, json::Builder()
                   .object()
                   .field("parcel", id)
                   .field("status", status)
                   .field("confirmation",
                          confirmed == soci::i_ok ? std::optional(confirmation) : std::nullopt)
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
      auto session = host_->store().session();
      int pending = 0;
      *session << "SELECT COUNT(*) FROM acme_parcels WHERE status = 'delivered' AND "
                  "confirmation IS NULL",
          soci::into(pending);
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
