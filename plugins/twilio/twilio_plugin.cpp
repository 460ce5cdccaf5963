// The Twilio provider plugin (PROVIDERS.md, Twilio). It translates, it does not decide:
//  - the SDK's SmsSender contract over the Messages API (twilio_api.h), from the company's own
//    sender (catalog company.twilio) or the platform's (this config);
//  - POST /webhooks/twilio/status (durable): X-Twilio-Signature over `public_url` + the path
//    and query Twilio requested + the form → `twilio.message_status` (events::SmsStatus);
//  - POST /webhooks/twilio/inbound (durable): what customers text to our numbers →
//    `twilio.message_received` (events::SmsReceived; STOP/START recognised).
// config: base_url, account_sid, auth_token, from | messaging_service_sid, public_url (the
// scheme and host Twilio sees, since we sit behind a proxy), status_path.
#include <map>

#include "switchboard/config/plugin_config.h"
#include "switchboard/db.h"
#include "switchboard/domain/repositories.h"
#include "switchboard/sdk.h"
#include "switchboard/ttl_cache.h"
#include "twilio_api.h"
#include "twilio_callbacks.h"
#include "twilio_signature.h"

namespace {

using switchboard::HttpRequest;
using switchboard::HttpResponse;
namespace domain = switchboard::domain;
namespace contracts = switchboard::contracts;

constexpr auto kSendersTtl = std::chrono::minutes(1);

bool isForm(const HttpRequest& r) {
  const auto type = r.header("content-type").value_or("");
  return type.find("application/x-www-form-urlencoded") != std::string_view::npos;
}

class TwilioPlugin final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override {
    return {"twilio", "1.0.0", {contracts::SmsSender::kServiceName}, {}};
  }

  void configure(switchboard::Host& host) override {
    host_ = &host;
    std::string base_url = "https://api.twilio.com", status_path = "/webhooks/twilio/status";
    switchboard::readPluginConfig(host, [&](switchboard::config::YamlReader& r,
                                            const YAML::Node& c) {
      if (!r.isMap(c, "config")) return;
      r.map(c, "config",
            {"base_url", "account_sid", "auth_token", "from", "messaging_service_sid", "public_url",
             "status_path"});
      base_url = r.string(c, "base_url", "config").value_or(base_url);
      platform_.account_sid = r.string(c, "account_sid", "config").value_or("");
      platform_.auth_token = r.string(c, "auth_token", "config").value_or("");
      platform_.from = r.string(c, "from", "config").value_or("");
      platform_.messaging_service_sid = r.string(c, "messaging_service_sid", "config").value_or("");
      public_url_ = r.string(c, "public_url", "config").value_or("");
      status_path = r.string(c, "status_path", "config").value_or(status_path);
    });
    while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
    while (!public_url_.empty() && public_url_.back() == '/') public_url_.pop_back();
    sms_ = std::make_shared<twilio::TwilioSms>(
        host.client(), base_url, [this](const std::string& c) { return senderOf(c); },
        public_url_.empty() ? "" : public_url_ + status_path);
    host.services().provide<contracts::SmsSender>(sms_);

    switchboard::DurableHandler status;
    status.verify = [this](const HttpRequest& r) { return verify(r); };
    status.identify = [this](const HttpRequest& r) {
      const auto form = switchboard::formDecode(r.body);
      const auto sid = twilio::field(form, "MessageSid");
      const auto state = twilio::field(form, "MessageStatus");
      if (sid.empty() || state.empty())
        throw std::invalid_argument("a status callback needs MessageSid and MessageStatus");
      // One update per message and state: Twilio's retries of it are one. The URL keeps our
      // reference (?ref=), which finds the message even before its send was recorded.
      switchboard::WebhookIdentity identity{sid + ":" + state,
                                            "message_status",
                                            std::string(r.queryParam("company").value_or("")),
                                            {}};
      identity.keep_target = true;
      return identity;
    };
    status.process = [this](const switchboard::InboxItem& item, switchboard::db::Session&) {
      auto s = twilio::statusFrom(switchboard::formDecode(item.payload));
      s.company = item.tenant;
      const auto target = item.target();
      if (const auto q = target.find('?'); q != std::string::npos)
        for (const auto& [name, value] : switchboard::formDecode(target.substr(q + 1)))
          if (name == "ref") s.reference = value;
      s.at = item.received_at;
      publish("twilio.message_status", s.toJson(), item.tenant);
    };
    status.acknowledge = [](const HttpRequest&) { return HttpResponse::empty(204); };
    host.http().durable("status", status);

    switchboard::DurableHandler inbound;
    inbound.verify = status.verify;
    inbound.identify = [](const HttpRequest& r) {
      const auto sid = twilio::field(switchboard::formDecode(r.body), "MessageSid");
      if (sid.empty()) throw std::invalid_argument("an incoming message needs MessageSid");
      return switchboard::WebhookIdentity{
          sid, "message_received", std::string(r.queryParam("company").value_or("")), {}};
    };
    inbound.process = [this](const switchboard::InboxItem& item, switchboard::db::Session&) {
      auto m = twilio::receivedFrom(switchboard::formDecode(item.payload));
      m.company = item.tenant;
      m.at = item.received_at;
      publish("twilio.message_received", m.toJson(), item.tenant);
    };
    // Twilio reads a TwiML answer to an incoming message: an empty one sends no reply.
    inbound.acknowledge = [](const HttpRequest&) {
      HttpResponse twiml;
      twiml.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";
      twiml.header("Content-Type", "text/xml");
      return twiml;
    };
    host.http().durable("inbound", inbound);
  }

 private:
  void publish(const std::string& topic, std::string payload, const std::string& tenant) {
    switchboard::Event e;
    e.topic = topic;
    e.payload = std::move(payload);
    e.tenant = tenant;
    host_->events().publish(std::move(e));
  }

  // ---- senders: the platform's, and those companies bring (kept for a minute) ----
  std::shared_ptr<const std::map<std::string, twilio::Sender>> companySenders() {
    return senders_.get([this] { return loadSenders(); });
  }
  std::shared_ptr<const std::map<std::string, twilio::Sender>> loadSenders() {
    auto fresh = std::make_shared<std::map<std::string, twilio::Sender>>();
    if (auto d = host_->services().find<domain::Directory>()) {
      host_->store().database().read([&](switchboard::db::Session& session) {
        for (const auto& c : d->adminCompanies(session)) {
          twilio::Sender s;
          s.company = c.id;
          s.account_sid = d->secret(session, c.id, "twilio.account_sid").value_or("");
          s.auth_token = d->secret(session, c.id, "twilio.auth_token").value_or("");
          s.from = d->secret(session, c.id, "twilio.from").value_or("");
          s.messaging_service_sid =
              d->secret(session, c.id, "twilio.messaging_service_sid").value_or("");
          if (s.usable()) (*fresh)[c.id] = s;
        }
      });
    }
    return fresh;
  }

  twilio::Sender senderOf(const std::string& company) {
    const auto senders = companySenders();
    if (auto it = senders->find(company); it != senders->end()) return it->second;
    return platform_;
  }

  // The token that signed it: the company's named in the query (its own account), else ours.
  std::optional<HttpResponse> verify(const HttpRequest& r) {
    const auto header = r.header("x-twilio-signature");
    if (!header) {
      host_->log()->warn("request {}: refused: missing X-Twilio-Signature", r.request_id);
      return HttpResponse::error(r, 401, "missing X-Twilio-Signature");
    }
    std::string base = public_url_;
    if (base.empty()) base = "https://" + std::string(r.header("host").value_or(""));
    const std::string url = base + r.target;
    std::string token = platform_.auth_token;
    if (const auto company = r.queryParam("company"); company && !company->empty()) {
      const auto senders = companySenders();
      const auto it = senders->find(std::string(*company));
      if (it == senders->end())
        return HttpResponse::error(r, 401, "X-Twilio-Signature: no Twilio account for company");
      token = it->second.auth_token;
    }
    if (twilio::validSignature(*header, url, r.body, isForm(r), token)) return std::nullopt;
    host_->log()->warn("request {}: refused: X-Twilio-Signature does not match {}", r.request_id,
                       url);
    return HttpResponse::error(
        r, 401, "X-Twilio-Signature does not match (is twilio.public_url the URL Twilio calls?)");
  }

  switchboard::Host* host_ = nullptr;
  twilio::Sender platform_;
  std::string public_url_;
  std::shared_ptr<twilio::TwilioSms> sms_;
  switchboard::TtlCache<std::map<std::string, twilio::Sender>> senders_{kSendersTtl};
};

}  // namespace

SWITCHBOARD_PLUGIN(TwilioPlugin)
