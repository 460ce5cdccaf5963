// The calls feature: a call's life from the dialled number to an understood request.
//  - on_call_report (async, from a voice provider's `<provider>.call_*` events): resolves the
//    dialled number (never guessing a tenant), merges the report into the stored call, finds
//    or creates the caller, and once the call is analysed: its costs, the caller's name, the
//    booking intent → calls.booking_requested or calls.needs_review, and calls.completed;
//  - LiveFunctions for the provider's synchronous questions (the inbound-call webhook);
//  - `switchboard calls resolve-number` and `switchboard calls extract`, which run exactly the
//    code the webhooks run.
#include <charconv>

#include "booking_intent.h"
#include "call_record.h"
#include "caller_name.h"
#include "catalog_view.h"
#include "inbound_answer.h"
#include "switchboard/bounded_text.h"
#include "switchboard/config/plugin_config.h"
#include "switchboard/db.h"
#include "switchboard/domain/repositories.h"
#include "switchboard/events/calls.h"
#include "switchboard/events/voice.h"
#include "switchboard/phone.h"
#include "switchboard/sdk.h"
#include "switchboard/tenant_sql.h"
#include "switchboard/typed_event.h"
#include "when_phrases.h"

namespace calls {
std::vector<switchboard::Migration> migrations(const std::string& backend);  // generated
}

namespace {

using namespace calls;
using switchboard::TimePoint;
namespace json = switchboard::json;
namespace events = switchboard::events;
namespace contracts = switchboard::contracts;

std::string reasonsJson(const std::vector<std::string>& reasons) {
  json::Builder b;
  b.array();
  for (const auto& r : reasons) b.value(r);
  return b.end().str();
}

std::vector<ServiceNames> serviceNames(const CompanyView& c, const std::string& branch) {
  std::vector<ServiceNames> out;
  for (const auto& s : c.services) {
    if (!branch.empty() && !s.branch_ids.empty() &&
        std::find(s.branch_ids.begin(), s.branch_ids.end(), branch) == s.branch_ids.end())
      continue;
    out.push_back({s.id, s.name, s.aliases});
  }
  return out;
}

std::vector<StaffName> staffNames(const CompanyView& c) {
  std::vector<StaffName> out;
  for (const auto& s : c.staff) out.push_back({s.id, s.name});
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

class CallsPlugin final : public switchboard::Plugin, public contracts::LiveFunctions {
 public:
  switchboard::PluginInfo info() const override {
    return {"calls",
            "1.0.0",
            {contracts::LiveFunctions::kServiceName},
            {domain::Directory::kServiceName, domain::Calls::kServiceName,
             domain::Customers::kServiceName, domain::Ledger::kServiceName,
             domain::Appointments::kServiceName}};
  }

  std::vector<switchboard::Migration> migrations(const std::string& backend) const override {
    return calls::migrations(backend);
  }

  void configure(switchboard::Host& host) override {
    host_ = &host;
    std::int64_t cache_ms = 5000;
    switchboard::readPluginConfig(
        host, [&](switchboard::config::YamlReader& r, const YAML::Node& c) {
          if (!c.IsDefined() || c.IsNull()) return;
          if (!r.isMap(c, "config")) return;
          r.map(c, "config", {"catalog_cache_ms", "rates"});
          cache_ms = r.integer(c, "catalog_cache_ms", "config", 0, 3600000).value_or(5000);
          if (const YAML::Node rates = c["rates"];
              rates.IsDefined() &&
              r.map(rates, "config.rates", {"retell_usd_per_minute", "twilio_usd_per_minute"})) {
            auto rate = [&](const char* key, std::int64_t& into) {
              if (auto text = r.string(rates, key, "config.rates")) {
                if (auto micros = calls::parseUsdMicros(*text))
                  into = *micros;
                else
                  r.error(rates[key], std::string("config.rates.") + key + " '" + *text +
                                          "' is not an amount in US dollars (e.g. \"0.07\")");
              }
            };
            rate("retell_usd_per_minute", rates_.retell_usd_micros_per_minute);
            rate("twilio_usd_per_minute", rates_.twilio_usd_micros_per_minute);
          }
        });
    cache_ms_ = std::chrono::milliseconds(cache_ms);
    host.services().provide<contracts::LiveFunctions>(
        std::shared_ptr<contracts::LiveFunctions>(this, [](contracts::LiveFunctions*) {}));
    host.events().transactionalHandler(
        "on_call_report", [this](const switchboard::Event& e, const switchboard::EventDelivery& d) {
          if (!d.tx)
            throw std::logic_error(
                "calls.on_call_report must be subscribed transaction: true or async: true");
          onReport(e, *d.tx);
        });
    host.command({"resolve-number", "NUMBER",
                  "Which company and branch a dialled number leads to, as the webhooks see it",
                  [this](const std::vector<std::string>& a, std::ostream& out, std::ostream& err) {
                    return resolveCommand(a, out, err);
                  }});
    host.command({"extract", "--company ID [--branch ID] --at YYYY-MM-DDTHH:MM TEXT",
                  "What a caller's words ask for (service, local start, confidence, decision)",
                  [this](const std::vector<std::string>& a, std::ostream& out, std::ostream& err) {
                    return extractCommand(a, out, err);
                  }});
  }

  // ---- LiveFunctions ----
  contracts::InboundAnswer inbound(const contracts::InboundCall& call) override {
    const auto catalog = cache().get();
    const auto where = resolveNumber(*catalog, call.to_number);
    std::optional<domain::Customer> caller;
    std::string caller_e164;
    if (where.company) {
      caller_e164 = callerE164(*where.company, call.from_number);
      if (!caller_e164.empty()) {
        caller = host_->store().database().read([&](switchboard::db::Session& db) {
          return customers().byPhone(db, where.company->company.id, caller_e164);
        });
      }
    } else {
      // At most a number's length of what the platform sent goes into the log.
      host_->log()->warn("inbound call to {}: {} (answered: not set up)",
                         switchboard::text::cut(call.to_number, 40), where.reason);
    }
    return inboundAnswer(where, caller, caller_e164, host_->clock().now());
  }

 private:
  domain::Directory& directory() { return host_->services().get<domain::Directory>(); }
  domain::Calls& callsRepo() { return host_->services().get<domain::Calls>(); }
  domain::Customers& customers() { return host_->services().get<domain::Customers>(); }
  domain::Ledger& ledger() { return host_->services().get<domain::Ledger>(); }
  domain::Appointments& appointments() { return host_->services().get<domain::Appointments>(); }

  CatalogCache& cache() {
    std::call_once(cache_once_, [this] {
      cache_ = std::make_unique<CatalogCache>(host_->store(), directory(), cache_ms_);
    });
    return *cache_;
  }

  std::string callerE164(const CompanyView& c, const std::string& number) {
    if (number.empty()) return "";
    if (auto p = switchboard::phone::toE164(number, c.company.country); p.e164) return *p.e164;
    const auto r = switchboard::phone::readings(number, {c.company.country});
    return r.empty() ? "" : r[0];
  }

  // ---- a report of a call ----
  void onReport(const switchboard::Event& e, switchboard::db::Session& tx) {
    const auto report = events::VoiceCallReport::fromJson(e.payload);
    const auto catalog = cache().get(&tx);
    const auto now = host_->clock().now();
    auto existing = callsRepo().adminByRef(tx, report.call.ref);
    domain::Call call = existing.value_or(domain::Call{});
    const bool is_new = !existing;
    const CompanyView* company = nullptr;
    if (is_new) {
      const auto& pc = report.call;
      const std::string ours = pc.direction == "outbound" ? pc.from_number : pc.to_number;
      NumberResolution where;
      if (ours.empty())
        where.reason = pc.call_type == "web_call" ? "a web call: no dialled number"
                                                  : "the report names no number";
      else
        where = resolveNumber(*catalog, ours);
      if (where.company) {
        company = where.company;
        call.company_id = company->company.id;
        call.branch_id = where.branch;
      } else {
        call.flag_reason = "unassigned: " + where.reason;
      }
    } else if (!call.company_id.empty()) {
      company = catalog->findCompany(call.company_id);
    }
    const auto before = call;
    mergeReport(call, report, now);
    // The caller first: a new call's row is then written once, with them.
    std::optional<domain::Customer> customer;
    if (company) customer = recogniseCaller(tx, *company, call, report);
    if (is_new) call = save(tx, call);  // the row's id, for what refers to it below
    const auto saved = call;

    if (is_new && call.company_id.empty()) {
      events::UnknownNumber u{call.ref, call.from_number, call.to_number,
                              call.started_at.value_or(now)};
      switchboard::publish(host_->events(), u, "");
      host_->log()->warn("call {}: {}", call.ref.id, call.flag_reason);
    }
    if (!call.company_id.empty()) {
      // A call that never connected (dial_no_answer, ...) has no start to announce.
      if (call.started_at && !before.started_at && call.status != "not_connected")
        switchboard::publish(
            host_->events(),
            events::CallStarted{call.company_id, call.branch_id, call.ref, call.from_number,
                                call.to_number, *call.started_at},
            call.company_id);
      if (statusRank(call.status) >= 2 && statusRank(before.status) < 2)
        switchboard::publish(
            host_->events(),
            events::CallEnded{call.company_id, call.ref, call.ended_at.value_or(now),
                              call.duration_seconds, call.disconnection_reason},
            call.company_id);
    }
    if (report.stage == "analyzed" && before.status != "analyzed")
      complete(tx, company, call, customer, report);
    const bool changed = !is_new || call.customer_id != saved.customer_id ||
                         call.customer_name != saved.customer_name ||
                         call.cost_usd != saved.cost_usd || call.flagged != saved.flagged ||
                         call.flag_reason != saved.flag_reason;
    if (changed) save(tx, call);
  }

  domain::Call save(switchboard::db::Session& tx, const domain::Call& call) {
    return call.company_id.empty() ? callsRepo().adminSaveUnassigned(tx, call)
                                   : callsRepo().save(tx, call.company_id, call);
  }

  // Finds or creates the caller (once per call), and takes their name when the call said it.
  std::optional<domain::Customer> recogniseCaller(switchboard::db::Session& tx,
                                                  const CompanyView& c, domain::Call& call,
                                                  const events::VoiceCallReport& report) {
    const std::string number = call.direction == "outbound" ? call.to_number : call.from_number;
    const std::string e164 = callerE164(c, number);
    if (e164.empty()) return std::nullopt;
    const auto& company = c.company.id;
    std::optional<domain::Customer> customer;
    const bool names = report.stage == "ended" || report.stage == "analyzed";
    if (call.customer_id && !names) return std::nullopt;  // known already; nothing to learn
    if (call.customer_id) customer = customers().get(tx, company, *call.customer_id);
    if (!customer) {
      customer = customers().byPhone(tx, company, e164);
      if (!customer) {
        domain::Customer fresh;
        fresh.phone_e164 = e164;
        fresh.journey_status = "lead";
        customer = fresh;
      }
      customer->call_count += 1;
      customer->last_call_at = call.started_at.value_or(host_->clock().now());
      if (customer->id != 0)
        customer->journey_status =
            journeyOf(appointments().forCustomer(tx, company, customer->id), host_->clock().now());
      *customer = customers().save(tx, company, *customer);
      call.customer_id = customer->id;
    }
    if (names) {
      if (auto name = findCallerName(userTurns(report.call, call.transcript), call.analysis_json)) {
        const bool person = customer->name_source == "person";
        const bool better = customer->name.empty() ||
                            (name->source == "analysis" && customer->name_source == "transcript");
        const bool same = customer->name == name->name;
        if (!person && (better || (same && name->source == "analysis")) &&
            (!same || customer->name_source != name->source)) {
          customer->name = name->name;
          customer->name_source = name->source;
          *customer = customers().save(tx, company, *customer);
        }
      }
    }
    call.customer_name = customer->name;
    return customer;
  }

  // Once, when the call is first analysed: costs, intent, completion.
  void complete(switchboard::db::Session& tx, const CompanyView* company, domain::Call& call,
                const std::optional<domain::Customer>& customer,
                const events::VoiceCallReport& report) {
    const auto now = host_->clock().now();
    events::CallCompleted done;
    done.company = call.company_id;
    done.branch = call.branch_id;
    done.call = call.ref;
    done.call_id = call.id;
    done.customer_id = call.customer_id;
    done.duration_seconds = call.duration_seconds;
    done.costs = callCosts(report.call, call.duration_seconds, rates_);
    std::int64_t total = 0;
    for (const auto& cost : done.costs) {
      total += cost.amount.minor;
      if (!call.company_id.empty()) {
        domain::PlatformCost row;
        row.call_id = call.id;
        row.platform = cost.platform;
        row.amount = cost.amount;
        row.incurred_at = call.ended_at.value_or(now);
        ledger().addPlatformCost(tx, call.company_id, row);
      }
    }
    call.cost_usd = {total, "USD"};
    if (company) decide(tx, *company, call, customer, report);
    switchboard::publish(host_->events(), done, call.company_id);
  }

  void decide(switchboard::db::Session& tx, const CompanyView& c, domain::Call& call,
              const std::optional<domain::Customer>& customer,
              const events::VoiceCallReport& report) {
    const BranchView* branch = c.findBranch(call.branch_id);
    const std::string zone = branch ? branch->branch.timezone : "UTC";
    const auto at = call.started_at.value_or(host_->clock().now());
    const auto today = parseIsoDate(switchboard::time::toLocal(at, zone).date);
    const auto text = joined(userTurns(report.call, call.transcript));
    const Intent intent = extractIntent(text, call.analysis_json, serviceNames(c, call.branch_id),
                                        staffNames(c), *today, c.booking_min_confidence);
    std::optional<TimePoint> start;
    if (intent.start_local)
      start = switchboard::time::fromLocal(intent.start_local->substr(0, 10),
                                           intent.start_local->substr(11, 5), zone);
    const std::string decision = intent.book && start ? "book"
                                 : intent.requested   ? "review"
                                                      : "none";
    tx.execute(
        "INSERT INTO call_intents (call_id, company_id, kind, decision, service_id, staff_id, "
        "start_local, start_utc_ms, confidence_permille, reasons, created_at_ms) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        call.id, c.company.id, intent.kind, decision, intent.service, intent.staff,
        intent.start_local, start, static_cast<int>(intent.confidence * 1000 + 0.5),
        reasonsJson(intent.reasons), host_->clock().now());
    if (decision == "book") {
      events::BookingRequested b;
      b.company = c.company.id;
      b.branch = call.branch_id;
      b.call = call.ref;
      b.call_id = call.id;
      b.customer_id = call.customer_id;
      b.customer_name = customer ? customer->name : call.customer_name;
      b.customer_phone = customer ? customer->phone_e164 : "";
      b.customer_email = customer ? customer->email : "";
      b.language = c.company.language;
      b.service = *intent.service;
      b.staff = intent.staff.value_or("");
      b.requested_start = *start;
      b.start_local = *intent.start_local;
      b.time_zone = zone;
      b.confidence = intent.confidence;
      b.notes = call.summary;
      switchboard::publish(host_->events(), b, c.company.id);
    } else if (decision == "review") {
      call.flagged = true;
      call.flag_reason = "needs review: " +
                         intent.reasons[intent.reasons.size() >= 2 ? intent.reasons.size() - 2 : 0];
      switchboard::publish(host_->events(),
                           events::NeedsReview{c.company.id, call.ref, call.flag_reason},
                           c.company.id);
    }
  }

  // ---- commands ----
  int resolveCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.size() != 1) {
      err << "usage: switchboard " << host_->name() << " resolve-number NUMBER\n";
      return 2;
    }
    const auto where = resolveNumber(*cache().get(), args[0]);
    out << json::Builder()
               .object()
               .field("input", args[0])
               .field("e164", where.e164)
               .field("company",
                      where.company ? std::optional(where.company->company.id) : std::nullopt)
               .field("branch", where.company ? std::optional(where.branch) : std::nullopt)
               .field("reason", where.reason)
               .end()
               .str()
        << "\n";
    return 0;
  }

  int extractCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string company, branch, at, text;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "--company" && i + 1 < args.size())
        company = args[++i];
      else if (args[i] == "--branch" && i + 1 < args.size())
        branch = args[++i];
      else if (args[i] == "--at" && i + 1 < args.size())
        at = args[++i];
      else
        text += (text.empty() ? "" : " ") + args[i];
    }
    const auto today = at.size() >= 10 ? parseIsoDate(at.substr(0, 10)) : std::nullopt;
    if (company.empty() || !today || text.empty()) {
      err << "usage: switchboard " << host_->name()
          << " extract --company ID [--branch ID] --at YYYY-MM-DDTHH:MM TEXT\n";
      return 2;
    }
    const auto catalog = cache().get();
    const CompanyView* c = catalog->findCompany(company);
    if (!c) {
      err << "no active company '" << company << "'\n";
      return 1;
    }
    if (!branch.empty() && !c->findBranch(branch)) {
      err << "company '" << company << "' has no branch '" << branch << "'\n";
      return 1;
    }
    const Intent intent = extractIntent(text, "", serviceNames(*c, branch), staffNames(*c), *today,
                                        c->booking_min_confidence);
    json::Builder b;
    b.object()
        .field("service", intent.service)
        .field("start_local", intent.start_local)
        .field("staff", intent.staff)
        .field("confidence",
               static_cast<double>(static_cast<int>(intent.confidence * 100 + 0.5)) / 100)
        .field("book", intent.book)
        .field("kind", intent.kind)
        .key("reasons")
        .array();
    for (const auto& r : intent.reasons) b.value(r);
    out << b.end().end().str() << "\n";
    return 0;
  }

  switchboard::Host* host_ = nullptr;
  CostRates rates_;
  std::chrono::milliseconds cache_ms_{5000};
  std::once_flag cache_once_;
  std::unique_ptr<CatalogCache> cache_;
};

}  // namespace

SWITCHBOARD_PLUGIN(CallsPlugin)
