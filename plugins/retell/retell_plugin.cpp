// The Retell provider plugin (PROVIDERS.md, Retell AI). It translates, it does not decide:
//  - POST /webhooks/retell (durable): signed call webhooks → `retell.<event>` events carrying
//    a provider-neutral VoiceCallReport (switchboard/events/voice.h);
//  - POST /webhooks/retell/inbound: the inbound-call webhook, answered on the request thread
//    from the LiveFunctions a feature provides (the calls feature);
//  - POST /retell/functions/{name}: the agent's custom functions (tools) during the call,
//    signed like webhooks, handed to the CallTools a feature provides (the booking feature);
//    answered {"result": "<speakable text>"};
//  - VoicePlatform (fetch a call from Retell's API) and `switchboard retell fetch-call ID`,
//    which queues the fetched call as if its webhooks had come;
//  - GET /api/webhooks/retell/diagnostic (auth: admin): the integration's state per company.
#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "retell_api.h"
#include "retell_call.h"
#include "retell_signature.h"
#include "switchboard/bounded_text.h"
#include "switchboard/config/plugin_config.h"
#include "switchboard/contracts/call_tools.h"
#include "switchboard/db.h"
#include "switchboard/domain/repositories.h"
#include "switchboard/events/voice.h"
#include "switchboard/phone.h"
#include "switchboard/sdk.h"
#include "switchboard/tenant_sql.h"
#include "webhook_activity.h"

namespace retell {
std::vector<switchboard::Migration> migrations(const std::string& backend);  // generated
}

namespace {

using switchboard::HttpRequest;
using switchboard::HttpResponse;
using switchboard::TimePoint;
namespace json = switchboard::json;
namespace domain = switchboard::domain;
namespace contracts = switchboard::contracts;

constexpr auto kDay = std::chrono::hours(24);
// No phone number is longer (phone::kMaxChars characters of up to 4 bytes): a longer "number"
// is nobody's without a look-up.
constexpr std::size_t kMaxNumberBytes = 4 * switchboard::phone::kMaxChars;

using switchboard::sql::toMs;

// Signature failures per company ('' when the body names no known number), the last 24 h.
// Kept in memory: writing each refused request to the database would let anybody fill it.
class FailureLog {
 public:
  void add(const std::string& company, TimePoint at) {
    std::lock_guard lock(mutex_);
    auto& q = failures_[company];
    q.push_back(at);
    if (q.size() > 10000) q.pop_front();
  }
  std::map<std::string, std::int64_t> countsSince(TimePoint since) {
    std::lock_guard lock(mutex_);
    std::map<std::string, std::int64_t> out;
    for (auto& [company, q] : failures_) {
      while (!q.empty() && q.front() < since) q.pop_front();
      out[company] = static_cast<std::int64_t>(q.size());
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::deque<TimePoint>> failures_;
};

class RetellPlugin final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override {
    return {"retell", "1.0.0", {contracts::VoicePlatform::kServiceName}, {}};
  }

  std::vector<switchboard::Migration> migrations(const std::string& backend) const override {
    return retell::migrations(backend);
  }

  void configure(switchboard::Host& host) override {
    host_ = &host;
    switchboard::readPluginConfig(host, [&](switchboard::config::YamlReader& r,
                                            const YAML::Node& c) {
      if (!r.isMap(c, "config")) return;
      r.map(c, "config", {"api_key", "base_url", "signature_tolerance_s"});
      api_key_ = r.string(c, "api_key", "config", /*required=*/true).value_or("");
      base_url_ = r.string(c, "base_url", "config").value_or("https://api.retellai.com");
      while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
      tolerance_ms_ = r.integer(c, "signature_tolerance_s", "config", 1, 3600).value_or(300) * 1000;
    });
    api_ = std::make_shared<retell::RetellApi>(host.client(), base_url_,
                                               [this](const std::string& c) { return keyOf(c); });
    host.services().provide<contracts::VoicePlatform>(api_);

    switchboard::DurableHandler webhook;
    webhook.verify = [this](const HttpRequest& r) { return verify(r); };
    webhook.identify = [](const HttpRequest& r) { return identify(r); };
    webhook.process = [this](const switchboard::InboxItem& item, switchboard::db::Session& tx) {
      process(item, tx);
    };
    webhook.acknowledge = [](const HttpRequest&) { return HttpResponse::empty(204); };
    host.http().durable("webhook", webhook);
    host.http().handler("inbound", [this](const HttpRequest& r) { return inbound(r); });
    // The agent's tools wait on the calendar: off the connection's thread.
    host.http().upstreamHandler("function", [this](const HttpRequest& r) { return function(r); });
    host.http().handler("diagnostic", [this](const HttpRequest& r) { return diagnostic(r); });

    // A call fetched by `fetch-call`, replayed through the same events as its webhooks.
    host.jobs().handler(
        "replay", [this](const switchboard::InboxItem& job, switchboard::db::Session&) {
          const auto report = switchboard::events::VoiceCallReport::fromJson(job.payload);
          publishReport(report, job.tenant);
        });

    host.command({"fetch-call", "ID [--company COMPANY]",
                  "Fetch a call from Retell's API and process it as if its webhooks had come "
                  "(repairs a call whose webhooks were lost)",
                  [this](const std::vector<std::string>& args, std::ostream& out,
                         std::ostream& err) { return fetchCallCommand(args, out, err); }});
  }

 private:
  // ---- keys and companies ----
  domain::Directory* directory() const { return host_->services().find<domain::Directory>().get(); }

  std::string keyOf(const std::string& company) {
    if (company.empty()) return api_key_;
    if (auto* d = directory())
      if (auto key = host_->store().database().read([&](switchboard::db::Session& session) {
            return d->secret(session, company, "retell.api_key");
          }))
        return *key;
    return api_key_;
  }

  // The owner of our side's number: the company (and branch) a call belongs to, whatever its
  // metadata says. Known numbers are remembered for a minute (every webhook of a call asks);
  // nobody's are not, so what an unsigned request names never fills memory. Text that is no
  // phone number (over phone::kMaxChars) is nobody's without a look-up.
  // `within`: the transaction the caller holds (an inbox item's), read through rather than
  // leasing a second connection from the pool while holding one.
  std::optional<domain::NumberOwner> ownerOf(const std::string& ours,
                                             switchboard::db::Session* within = nullptr) {
    auto* d = directory();
    if (!d || ours.empty() || ours.size() > kMaxNumberBytes) return std::nullopt;
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(owners_mutex_);
      if (now - owners_since_ > std::chrono::minutes(1)) {
        owners_.clear();
        owners_since_ = now;
      }
      if (auto it = owners_.find(ours); it != owners_.end()) return it->second;
    }
    auto owner = within ? d->adminOwnerOfNumber(*within, ours)
                        : host_->store().database().read([&](switchboard::db::Session& s) {
                            return d->adminOwnerOfNumber(s, ours);
                          });
    if (owner) {
      std::lock_guard lock(owners_mutex_);
      owners_[ours] = *owner;
    }
    return owner;
  }

  static std::string oursOf(const std::string& direction, const std::string& from,
                            const std::string& to) {
    return direction == "outbound" ? from : to;
  }

  // The company of a signed call: its number's owner ('' nobody's). Metadata may only agree
  // (we set it at the inbound answer); a call whose metadata names another company is logged
  // and counted in the diagnostic, and attributed by its number.
  std::optional<domain::NumberOwner> ownerOfCall(const json::View& call, const std::string& what,
                                                 switchboard::db::Session* within = nullptr) {
    const auto ours =
        oursOf(call.string("direction").value_or(""), call.string("from_number").value_or(""),
               call.string("to_number").value_or(""));
    auto owner = ownerOf(ours, within);
    const auto named = call["metadata"].string("company").value_or("");
    const std::string company = owner ? owner->company_id : "";
    if (!named.empty() && named != company) {
      host_->log()->warn(
          "{}: metadata names company '{}' but the number {} is {}; attributed "
          "by the number",
          what, switchboard::text::cut(named, 64), switchboard::text::cut(ours, 40),
          company.empty() ? "nobody's" : "'" + company + "'s");
      mismatches_.add(company, host_->clock().now());
    }
    return owner;
  }

  static json::View callOf(const json::View& root) {
    return root["call"].isObject() ? root["call"] : root["call_inbound"];
  }

  // The configured key first; a company with its own key (catalog retell.api_key) signs with
  // that one, found through the number the body names. The body is not parsed before it is
  // signed: the number is read by a bounded scan (json::scanStrings).
  std::optional<HttpResponse> verify(const HttpRequest& r) {
    const std::string header(r.header("x-retell-signature").value_or(""));
    const auto now = toMs(host_->clock().now());
    auto check = retell::checkSignature(header, r.body, api_key_, now, tolerance_ms_);
    std::string company;
    if (check == retell::SignatureCheck::kMismatch) {
      static const std::vector<std::string> kPaths = {"call.direction", "call.from_number",
                                                      "call.to_number", "call_inbound.to_number"};
      auto found = json::scanStrings(r.body, kPaths);
      const auto ours =
          found.count("call_inbound.to_number")
              ? found["call_inbound.to_number"]
              : oursOf(found["call.direction"], found["call.from_number"], found["call.to_number"]);
      if (const auto owner = ownerOf(ours)) {
        company = owner->company_id;
        const auto own = keyOf(company);
        if (own != api_key_)
          check = retell::checkSignature(header, r.body, own, now, tolerance_ms_);
      }
    }
    if (check == retell::SignatureCheck::kValid) return std::nullopt;
    failures_.add(company, host_->clock().now());
    host_->log()->warn("request {}: refused: {}", r.request_id, retell::describe(check));
    return HttpResponse::error(r, 401, retell::describe(check));
  }

  // ---- call webhooks ----
  static switchboard::WebhookIdentity identify(const HttpRequest& r) {
    const auto doc = json::parse(r.body);
    const auto root = doc.root();
    const auto event = root.requireString("event");
    const auto call = root["call"];
    if (retell::stageOf(event).empty()) {
      // A type we do not act on (transfers, types Retell adds later): stored and acknowledged,
      // named by the body's digest when it carries no call id.
      const auto id = call.string("call_id");
      if (!id) return {"", event, "", {}};
      std::string key = event + ":" + *id;
      if (event.rfind("transfer_", 0) == 0)
        key += ":" +
               std::to_string(static_cast<long long>(call.number("start_timestamp").value_or(0)));
      return {key, event, "", {}};
    }
    if (!call.isObject()) throw std::invalid_argument("missing object field 'call'");
    const auto call_id = call.requireString("call_id");
    // Transcript updates come many times per call, each kept (the body's digest names them);
    // the calls feature keeps the latest.
    if (event == "transcript_updated") return {"", event, "", {}};
    return {event + ":" + call_id, event, "", {}};
  }

  void publishReport(const switchboard::events::VoiceCallReport& report,
                     const std::string& tenant) {
    static const std::map<std::string, std::string> kTopics = {
        {"started", "retell.call_started"},
        {"ended", "retell.call_ended"},
        {"analyzed", "retell.call_analyzed"},
        {"transcript", "retell.transcript_updated"}};
    switchboard::Event e;
    e.topic = kTopics.at(report.stage);
    e.payload = report.toJson();
    e.tenant = tenant;
    host_->events().publish(std::move(e));
  }

  void process(const switchboard::InboxItem& item, switchboard::db::Session& tx) {
    const auto doc = json::parse(item.payload);
    const auto root = doc.root();
    const auto event = root.requireString("event");
    const auto call = root["call"];
    const std::string call_id = call.string("call_id").value_or("");
    const auto owner = ownerOfCall(call, "call " + call_id, &tx);
    const std::string company = owner ? owner->company_id : "";
    const long long at = toMs(item.received_at);
    // One statement (SQLite and PostgreSQL both speak it): two workers seeing the company's
    // first webhooks at once must not both insert. At most once a second (webhook_activity.h).
    if (activity_.seen(company, {event, call_id, at}, std::chrono::steady_clock::now()))
      tx.execute(
          "INSERT INTO retell_activity (company_id, last_event, last_call_id, "
          "last_received_at_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (company_id) DO UPDATE SET "
          "last_event = excluded.last_event, last_call_id = excluded.last_call_id, "
          "last_received_at_ms = excluded.last_received_at_ms WHERE "
          "retell_activity.last_received_at_ms <= excluded.last_received_at_ms",
          company, event, call_id, at);
    const auto stage = retell::stageOf(event);
    if (stage.empty()) {
      host_->log()->info("webhook {}: {} for call {} stored, nothing to do", item.id, event,
                         call_id);
      return;
    }
    publishReport({stage, retell::translateCall(call)}, company);
  }

  // A signed JSON request answered on the spot: the refusal (401, 400 with the reason) or
  // nullopt with `doc` parsed.
  std::optional<HttpResponse> verifiedJson(const HttpRequest& r, json::Document& doc) {
    if (auto refusal = verify(r)) return refusal;
    try {
      doc = json::parse(r.body);
    } catch (const std::invalid_argument& e) {
      return HttpResponse::error(r, 400, e.what());
    }
    return std::nullopt;
  }

  // ---- the inbound-call webhook ----
  HttpResponse inbound(const HttpRequest& r) {
    json::Document doc;
    if (auto refusal = verifiedJson(r, doc)) return *refusal;
    const auto root = doc.root();
    const auto in = root["call_inbound"];
    if (root.string("event").value_or("") != "call_inbound" || !in.isObject())
      return HttpResponse::error(r, 400,
                                 "expected {\"event\": \"call_inbound\", \"call_inbound\": {...}}");
    contracts::InboundCall call{in.string("from_number").value_or(""),
                                in.string("to_number").value_or(""),
                                in.string("agent_id").value_or("")};
    contracts::InboundAnswer answer;
    if (auto live = host_->services().find<contracts::LiveFunctions>())
      answer = live->inbound(call);
    json::Builder b;
    b.object().key("call_inbound").object();
    if (!answer.agent.empty() && answer.agent != call.agent)
      b.field("override_agent_id", answer.agent);
    b.key("dynamic_variables").object();
    if (!answer.known_number &&
        std::none_of(answer.variables.begin(), answer.variables.end(),
                     [](const auto& v) { return v.first == "line_status"; }))
      b.field("line_status", "not_set_up");
    for (const auto& [k, v] : answer.variables) b.field(k, v);
    b.end().key("metadata").object();
    for (const auto& [k, v] : answer.metadata) b.field(k, v);
    b.end().end().end();
    return HttpResponse::json(200, b.str());
  }

  // ---- custom functions (tools) during the call ----
  HttpResponse function(const HttpRequest& r) {
    json::Document doc;
    if (auto refusal = verifiedJson(r, doc)) return *refusal;
    const auto root = doc.root();
    const auto call = root["call"];
    if (!root.isObject() || !call.isObject())
      return HttpResponse::error(
          r, 400,
          "expected {\"name\", \"call\": {...}, \"args\": {...}}: switch off 'args only' for "
          "this function in Retell, the call names the company and the caller");
    std::string name(r.param("name").value_or(""));
    if (name.empty()) name = root.string("name").value_or("");
    if (const auto named = root.string("name"); named && *named != name)
      return HttpResponse::error(
          r, 400, "the body names function '" + *named + "' but the path names '" + name + "'");
    const auto args = root["args"];
    if (args.exists() && !args.isObject())
      return HttpResponse::error(r, 400, "'args' must be an object");
    const auto metadata = call["metadata"];
    contracts::ToolCall tool;
    const auto owner = ownerOfCall(call, "function " + name);
    // The number's company and branch act; the metadata's branch only when it is that company's.
    tool.company = owner ? owner->company_id : "";
    tool.branch = owner ? owner->branch_id : "";
    if (owner && metadata.string("company").value_or("") == owner->company_id)
      tool.branch = metadata.string("branch").value_or(tool.branch);
    tool.call = {"retell", call.string("call_id").value_or("")};
    tool.caller = metadata.string("caller").value_or(call.string("from_number").value_or(""));
    tool.name = name;
    tool.arguments_json = args.exists() ? args.text() : "{}";
    if (tool.company.empty())
      return HttpResponse::error(r, 422, "the call's number belongs to no company");
    auto tools = host_->services().find<contracts::CallTools>();
    if (!tools) return HttpResponse::error(r, 503, "no feature provides the call's functions");
    try {
      const auto answer = tools->call(tool);
      return HttpResponse::json(
          200, json::Builder().object().field("result", answer.result).end().str());
    } catch (const contracts::ToolError& e) {
      return HttpResponse::error(r, e.unknownFunction() ? 404 : 400, e.what());
    }
  }

  // ---- diagnostic ----
  HttpResponse diagnostic(const HttpRequest&) {
    return host_->store().database().read(
        [&](switchboard::db::Session& session) { return diagnostic(session); });
  }
  HttpResponse diagnostic(switchboard::db::Session& session) {
    const auto now = host_->clock().now();
    const auto failures = failures_.countsSince(now - kDay);
    const auto mismatches = mismatches_.countsSince(now - kDay);
    std::map<std::string, retell::WebhookSeen> stored;
    for (const auto& row : session.query("SELECT company_id, last_event, last_call_id, "
                                         "last_received_at_ms FROM retell_activity"))
      stored[row.get<std::string>(0)] = {row.get<std::string>(1), row.get<std::string>(2),
                                         row.get<std::int64_t>(3)};
    const auto activity = activity_.merged(std::move(stored));
    auto putActivity = [&](json::Builder& b, const std::string& company) {
      const auto it = activity.find(company);
      if (it == activity.end()) {
        b.key("last_webhook").null();
      } else {
        const auto at = TimePoint(std::chrono::milliseconds(it->second.received_at_ms));
        b.key("last_webhook")
            .object()
            .field("event", it->second.event)
            .field("call_id", it->second.call_id)
            .field("received_at", switchboard::time::formatUtc(at))
            .field("age_s", std::chrono::duration_cast<std::chrono::seconds>(now - at).count())
            .end();
      }
      const auto f = failures.find(company);
      b.field("signature_failures_24h", f == failures.end() ? 0LL : (long long)f->second);
      const auto m = mismatches.find(company);
      b.field("metadata_mismatches_24h", m == mismatches.end() ? 0LL : (long long)m->second);
    };
    json::Builder b;
    b.object().key("companies").array();
    if (auto* d = directory()) {
      for (const auto& c : d->adminCompanies(session)) {
        b.object().field("company", c.id).field("name", c.name).field("enabled", c.retell_enabled);
        b.key("agents").array();
        std::set<std::string> agents;
        if (!c.retell_agent_id.empty()) agents.insert(c.retell_agent_id);
        const auto numbers = d->phoneNumbers(session, c.id);
        for (const auto& n : numbers)
          if (!n.retell_agent_id.empty()) agents.insert(n.retell_agent_id);
        for (const auto& a : agents) b.value(a);
        b.end().key("numbers").array();
        for (const auto& n : numbers)
          b.object()
              .field("number", n.e164)
              .field("branch", n.branch_id)
              .field("agent", n.retell_agent_id.empty() ? c.retell_agent_id : n.retell_agent_id)
              .end();
        b.end().field("own_api_key", keyOf(c.id) != api_key_);
        putActivity(b, c.id);
        b.end();
      }
    }
    b.end().key("unassigned").object();
    putActivity(b, "");
    if (auto calls = host_->services().find<domain::Calls>())
      b.field("calls_24h", calls->adminUnassignedSince(session, now - kDay));
    b.end();
    long long total = 0;
    for (const auto& [company, n] : failures) total += n;
    b.field("signature_failures_24h", total).end();
    return HttpResponse::json(200, b.str());
  }

  // ---- fetch-call ----
  int fetchCallCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string id, company;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "--company" && i + 1 < args.size())
        company = args[++i];
      else if (id.empty() && !args[i].empty() && args[i][0] != '-')
        id = args[i];
      else {
        err << "usage: switchboard " << host_->name() << " fetch-call ID [--company COMPANY]\n";
        return 2;
      }
    }
    if (id.empty()) {
      err << "usage: switchboard " << host_->name() << " fetch-call ID [--company COMPANY]\n";
      return 2;
    }
    const auto call = api_->fetchCall(company, id);
    if (!call) {
      err << "Retell knows no call " << id << "\n";
      return 1;
    }
    // What the lost webhooks would have said, in their order; the calls feature merges
    // reports, so one that did arrive is not counted twice.
    std::vector<std::string> stages;
    if (call->started_at && call->status != "not_connected") stages.push_back("started");
    if (call->status == "ended" || call->status == "error" || call->status == "not_connected" ||
        call->ended_at)
      stages.push_back("ended");
    if (call->analyzed) stages.push_back("analyzed");
    const auto now = host_->clock().now();
    for (const auto& stage : stages) {
      switchboard::events::VoiceCallReport report{stage, *call};
      host_->jobs().enqueue("replay", report.toJson(), now,
                            "fetch-call:" + id + ":" + stage + ":" + std::to_string(toMs(now)));
    }
    json::Builder b;
    b.object()
        .field("call_id", id)
        .field("status", call->status)
        .field("from_number", call->from_number)
        .field("to_number", call->to_number)
        .key("queued")
        .array();
    for (const auto& s : stages) b.value(s);
    out << b.end().end().str() << "\n";
    return 0;
  }

  switchboard::Host* host_ = nullptr;
  std::string api_key_, base_url_;
  std::int64_t tolerance_ms_ = 300000;
  std::shared_ptr<retell::RetellApi> api_;
  FailureLog failures_;
  retell::WebhookActivity activity_;
  FailureLog mismatches_;  // calls whose metadata named another company than their number's
  std::mutex owners_mutex_;
  std::map<std::string, domain::NumberOwner> owners_;  // a known number → its owner
  std::chrono::steady_clock::time_point owners_since_{};
};

}  // namespace

SWITCHBOARD_PLUGIN(RetellPlugin)
