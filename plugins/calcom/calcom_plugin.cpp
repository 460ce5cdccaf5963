// The Cal.com provider plugin (PROVIDERS.md, Cal.com API v2). It translates, it does not decide:
//  - the SDK's Calendar contract over Cal.com's API (calcom_api.h), per company: its key
//    (catalog calcom.api_key) and team (calcom.team_id, whose event types alone are booked);
//  - POST /webhooks/calcom (durable): X-Cal-Signature-256 checked with the company's
//    calcom.webhook_secret; booking changes made in Cal.com → `calcom.booking_<change>` events
//    carrying a CalendarChange (switchboard/events/calendar.h);
//  - `switchboard calcom verify --company ID`: the catalog's services against the team's
//    event types (missing, foreign, durations that differ).
#include <map>

#include "calcom_api.h"
#include "calcom_signature.h"
#include "calcom_webhook.h"
#include "switchboard/config/plugin_config.h"
#include "switchboard/db.h"
#include "switchboard/domain/repositories.h"
#include "switchboard/sdk.h"
#include "switchboard/ttl_cache.h"

namespace {

using switchboard::HttpRequest;
using switchboard::HttpResponse;
namespace json = switchboard::json;
namespace domain = switchboard::domain;
namespace contracts = switchboard::contracts;

constexpr auto kCredentialsTtl = std::chrono::minutes(1);

class CalcomPlugin final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override {
    return {"calcom", "1.0.0", {contracts::Calendar::kServiceName}, {}};
  }

  void configure(switchboard::Host& host) override {
    host_ = &host;
    std::int64_t ttl_s = 3600, per_minute = 120;
    switchboard::readPluginConfig(
        host, [&](switchboard::config::YamlReader& r, const YAML::Node& c) {
          if (!r.isMap(c, "config")) return;
          r.map(c, "config", {"base_url", "event_types_ttl_s", "requests_per_minute"});
          per_minute = r.integer(c, "requests_per_minute", "config", 0, 100000).value_or(120);
          base_url_ = r.string(c, "base_url", "config").value_or("https://api.cal.com");
          while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
          ttl_s = r.integer(c, "event_types_ttl_s", "config", 0, 86400).value_or(3600);
        });
    api_ = std::make_shared<calcom::CalcomApi>(
        host.client(), base_url_, [this](const std::string& c) { return accountOf(c); },
        std::chrono::seconds(ttl_s), static_cast<std::size_t>(per_minute));
    host.services().provide<contracts::Calendar>(api_);

    switchboard::DurableHandler webhook;
    webhook.verify = [this](const HttpRequest& r) { return verify(r); };
    webhook.identify = [this](const HttpRequest& r) { return identify(r); };
    webhook.process = [this](const switchboard::InboxItem& item, switchboard::db::Session& tx) {
      process(item, tx);
    };
    webhook.acknowledge = [](const HttpRequest&) {
      return HttpResponse::json(200, R"({"received":true})");
    };
    host.http().durable("webhook", webhook);

    host.command({"verify", "--company ID",
                  "Check the company's services against its Cal.com team's event types "
                  "(missing, foreign, durations that differ from the catalog)",
                  [this](const std::vector<std::string>& args, std::ostream& out,
                         std::ostream& err) { return verifyCommand(args, out, err); }});
  }

 private:
  domain::Directory* directory() const { return host_->services().find<domain::Directory>().get(); }

  // ---- credentials, read from the catalog and kept for a minute ----
  struct Credentials {
    std::map<std::string, calcom::Account> accounts;  // by company
    std::map<std::string, std::string> webhook_secrets;
  };

  std::shared_ptr<const Credentials> credentials() {
    return credentials_.get([this] { return loadCredentials(); });
  }
  std::shared_ptr<const Credentials> loadCredentials() {
    auto fresh = std::make_shared<Credentials>();
    if (auto* d = directory())
      host_->store().database().read([&](switchboard::db::Session& session) {
        for (const auto& c : d->adminCompanies(session)) {
          calcom::Account a;
          a.api_key = d->secret(session, c.id, "calcom.api_key").value_or("");
          a.team_id = c.calcom_team_id;
          fresh->accounts[c.id] = a;
          if (auto s = d->secret(session, c.id, "calcom.webhook_secret"); s && !s->empty())
            fresh->webhook_secrets[c.id] = *s;
        }
      });
    return fresh;
  }

  calcom::Account accountOf(const std::string& company) {
    const auto c = credentials();
    const auto it = c->accounts.find(company);
    return it == c->accounts.end() ? calcom::Account{} : it->second;
  }

  // The company whose webhook secret signed the body: the one our booking's metadata names
  // first (read by a bounded scan: nothing is parsed before it is signed), then every company
  // with a secret. nullopt: nobody's.
  std::optional<std::string> signer(const HttpRequest& r) {
    const auto header = r.header("x-cal-signature-256");
    if (!header) return std::nullopt;
    const auto c = credentials();
    static const std::vector<std::string> kNamed = {"payload.metadata.switchboard_company"};
    const auto found = json::scanStrings(r.body, kNamed);
    const std::string named = found.empty() ? "" : found.begin()->second;
    if (auto it = c->webhook_secrets.find(named); it != c->webhook_secrets.end())
      if (calcom::validSignature(*header, r.body, it->second)) return named;
    for (const auto& [company, secret] : c->webhook_secrets)
      if (company != named && calcom::validSignature(*header, r.body, secret)) return company;
    return std::nullopt;
  }

  std::optional<HttpResponse> verify(const HttpRequest& r) {
    if (signer(r)) return std::nullopt;
    const auto header = r.header("x-cal-signature-256");
    const std::string why =
        !header ? "missing X-Cal-Signature-256"
        : *header == "no-secret-provided"
            ? "X-Cal-Signature-256: the Cal.com webhook has no secret; set one and put it in "
              "the company's calcom.webhook_secret"
            : "X-Cal-Signature-256 does not match any company's calcom.webhook_secret";
    host_->log()->warn("request {}: refused: {}", r.request_id, why);
    return HttpResponse::error(r, 401, why);
  }

  // A signed delivery that can never be processed is refused here (400, the field named,
  // shown in Cal.com's webhook log) instead of retried to a dead item.
  switchboard::WebhookIdentity identify(const HttpRequest& r) {
    const auto doc = json::parse(r.body);
    const auto root = doc.root();
    const auto trigger = root.requireString("triggerEvent");
    if (!calcom::changeOf(trigger).empty()) calcom::checkChange(root);
    return {calcom::identityOf(root), trigger, signer(r).value_or(""), {}};
  }

  void process(const switchboard::InboxItem& item, switchboard::db::Session&) {
    const auto doc = json::parse(item.payload);
    const auto root = doc.root();
    const auto trigger = root.requireString("triggerEvent");
    if (calcom::changeOf(trigger).empty()) {
      host_->log()->info("webhook {}: {} stored, nothing to do", item.id, trigger);
      return;
    }
    auto change = calcom::changeFrom(root);
    change.company = item.tenant;
    switchboard::Event e;
    e.topic = "calcom.booking_" + change.change;
    e.payload = change.toJson();
    e.tenant = item.tenant;
    host_->events().publish(std::move(e));
  }

  // ---- verify ----
  int verifyCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string company;
    if (args.size() == 2 && args[0] == "--company") company = args[1];
    if (company.empty()) {
      err << "usage: switchboard " << host_->name() << " verify --company ID\n";
      return 2;
    }
    auto* d = directory();
    if (!d) {
      err << "no directory plugin: nothing to verify against\n";
      return 1;
    }
    std::vector<domain::Service> services;
    std::optional<domain::Company> found;
    host_->store().database().read([&](switchboard::db::Session& session) {
      found = d->company(session, company);
      if (found) services = d->services(session, company);
    });
    if (!found) {
      err << "no company " << company << "\n";
      return 1;
    }
    std::vector<contracts::EventType> types;
    try {
      types = api_->fetchEventTypes(company);
    } catch (const std::exception& e) {
      err << e.what() << "\n";
      return 1;
    }
    json::Builder b;
    b.object().field("company", company).key("team_id").value(found->calcom_team_id);
    b.key("problems").array();
    int problems = 0;
    for (const auto& s : services) {
      if (!s.active) continue;
      auto problem = [&](const std::string& what) {
        b.object().field("service", s.id).field("problem", what).end();
        ++problems;
      };
      if (!s.calcom_event_type_id) {
        problem("no calcom_event_type_id: it cannot be booked");
        continue;
      }
      const auto id = std::to_string(*s.calcom_event_type_id);
      if (!found->calcom_team_id) continue;  // no team: nothing to check ownership against
      const auto it = std::find_if(types.begin(), types.end(),
                                   [&](const contracts::EventType& t) { return t.id == id; });
      if (it == types.end()) {
        problem("event type " + id + " is not one of team " +
                std::to_string(*found->calcom_team_id) + "'s: it would be refused");
        continue;
      }
      if (it->duration_minutes != 0 && it->duration_minutes != s.duration_minutes)
        problem("event type " + id + " lasts " + std::to_string(it->duration_minutes) +
                " min, the catalog says " + std::to_string(s.duration_minutes));
    }
    b.end().field("ok", problems == 0).end();
    out << b.str() << "\n";
    return problems == 0 ? 0 : 1;
  }

  switchboard::Host* host_ = nullptr;
  std::string base_url_ = "https://api.cal.com";
  std::shared_ptr<calcom::CalcomApi> api_;
  switchboard::TtlCache<Credentials> credentials_{kCredentialsTtl};
};

}  // namespace

SWITCHBOARD_PLUGIN(CalcomPlugin)
