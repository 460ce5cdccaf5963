// The notifications feature: the right people told, once.
//  - Customers (SMS through the SmsSender contract): `on_appointment` for booking.appointment_
//    booked / alternative_booked / alternatives_offered / appointment_cancelled /
//    appointment_rescheduled renders the
//    company's template in the customer's language (templates.h) and queues it in the outbox
//    (outbox.h: idempotent, quiet hours defer, STOP respected); booked appointments also get a
//    `reminder` job the day before at `reminder_time` in the branch's zone, which texts only if
//    the appointment still stands at that time.
//  - Admins (AdminNotifier contract): `on_alert` for calls.unknown_number, calls.needs_review,
//    booking.failed, inbox.item_dead, upstream.circuit_opened/closed, grouped (alerts.h).
//  - Delivery: `on_sms_status` (twilio.message_status) and `on_sms_received` (STOP / START).
//  - The admins' bot commands (AdminCommands contract, admin_desk.h).
// config: reminder_time ("18:00"; "" for none), quiet_hours ("21:00-08:00"; a company's
// settings.quiet_hours wins), alert_window_min (60), languages ([de, en]), templates.
#include "admin_desk.h"
#include "alerts.h"
#include "local_words.h"
#include "outbox.h"
#include "switchboard/config/plugin_config.h"
#include "switchboard/db.h"
#include "switchboard/domain/repositories.h"
#include "switchboard/events/booking.h"
#include "switchboard/events/messaging.h"
#include "switchboard/tenant_sql.h"
#include "switchboard/time.h"
#include "templates.h"

namespace notifications {
std::vector<switchboard::Migration> migrations(const std::string& backend);  // generated
}

namespace {

namespace events = switchboard::events;
namespace domain = switchboard::domain;
namespace contracts = switchboard::contracts;
namespace json = switchboard::json;
using switchboard::TimePoint;
using switchboard::sql::toMs;

// What an appointment event says, whatever its topic.
struct Told {
  std::string kind;  // the template
  events::AppointmentFacts facts;
  std::optional<TimePoint> requested, previous;
  std::string reason;
  std::vector<TimePoint> offered;
  std::string once;  // what makes it one message (empty: the appointment and its time)
};

Told told(std::string kind, events::AppointmentFacts facts) {
  Told t;
  t.kind = std::move(kind);
  t.facts = std::move(facts);
  return t;
}

Told toldBy(const switchboard::Event& e) {
  if (e.topic == events::AppointmentBooked::kTopic)
    return told("appointment_booked", events::AppointmentBooked::fromJson(e.payload).appointment);
  if (e.topic == events::AlternativeBooked::kTopic) {
    auto a = events::AlternativeBooked::fromJson(e.payload);
    auto t = told("alternative_booked", a.appointment);
    t.requested = a.requested_start;
    t.reason = a.reason;
    return t;
  }
  if (e.topic == events::AlternativesOffered::kTopic) {
    auto o = events::AlternativesOffered::fromJson(e.payload);
    auto t = told("alternatives_offered", o.appointment);
    t.offered = std::move(o.offered);
    t.reason = o.reason;
    t.once = o.request;
    return t;
  }
  if (e.topic == events::AppointmentCancelled::kTopic)
    return told("appointment_cancelled",
                events::AppointmentCancelled::fromJson(e.payload).appointment);
  if (e.topic == events::AppointmentRescheduled::kTopic) {
    auto r = events::AppointmentRescheduled::fromJson(e.payload);
    auto t = told("appointment_rescheduled", r.appointment);
    t.previous = r.previous_start;
    return t;
  }
  if (e.topic == "notifications.reminder_due")
    return told("appointment_reminder", events::AppointmentBooked::fromJson(e.payload).appointment);
  throw std::invalid_argument("on_appointment: not an appointment event: " + e.topic);
}

class NotificationsPlugin final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override {
    return {"notifications", "1.0.0", {contracts::AdminCommands::kServiceName}, {}};
  }

  std::vector<switchboard::Migration> migrations(const std::string& backend) const override {
    return notifications::migrations(backend);
  }

  void configure(switchboard::Host& host) override {
    host_ = &host;
    notifications::QuietHours quiet{21 * 60, 8 * 60};
    std::int64_t window_min = 60;
    switchboard::readPluginConfig(
        host, [&](switchboard::config::YamlReader& r, const YAML::Node& c) {
          if (!r.isMap(c, "config")) return;
          r.map(c, "config",
                {"reminder_time", "quiet_hours", "alert_window_min", "languages", "templates"});
          reminder_time_ = r.string(c, "reminder_time", "config").value_or("18:00");
          if (!reminder_time_.empty() &&
              !switchboard::time::fromLocal("2026-01-01", reminder_time_, "UTC"))
            r.error(c["reminder_time"], "config.reminder_time must be HH:MM (or \"\" for none)");
          if (auto q = r.string(c, "quiet_hours", "config")) {
            if (auto parsed = notifications::QuietHours::parse(*q))
              quiet = *parsed;
            else
              r.error(c["quiet_hours"], "config.quiet_hours must be HH:MM-HH:MM (or \"none\")");
          }
          window_min = r.integer(c, "alert_window_min", "config", 1, 7 * 24 * 60).value_or(60);
          auto languages = r.strings(c, "languages", "config");
          if (languages.empty()) languages = {"de", "en"};
          if (!c["templates"].IsDefined())
            r.error(c, "config.templates is required (the customer messages, per language)");
          else
            templates_.read(r, c["templates"], languages);
        });
    outbox_ = std::make_unique<notifications::Outbox>(host, quiet);
    outbox_->registerJobs();
    alerts_ = std::make_unique<notifications::Alerts>(host, std::chrono::minutes(window_min));
    alerts_->registerJobs();
    host.services().provide<contracts::AdminCommands>(
        std::make_shared<notifications::AdminDesk>(host));

    auto async = [&host](const char* name, auto fn) {
      host.events().transactionalHandler(
          name, [name, fn](const switchboard::Event& e, const switchboard::EventDelivery& d) {
            if (!d.tx) throw std::logic_error(std::string(name) + " must be subscribed async");
            fn(e, d);
          });
    };
    async("on_appointment",
          [this](const switchboard::Event& e, const switchboard::EventDelivery& d) {
            onAppointment(e, *d.tx);
          });
    async("on_alert", [this](const switchboard::Event& e, const switchboard::EventDelivery& d) {
      alerts_->onEvent(e, *d.tx);
    });
    async("on_sms_status",
          [this](const switchboard::Event& e, const switchboard::EventDelivery& d) {
            outbox_->onStatus(events::SmsStatus::fromJson(e.payload), d);
          });
    async("on_sms_received",
          [this](const switchboard::Event& e, const switchboard::EventDelivery& d) {
            outbox_->onReceived(events::SmsReceived::fromJson(e.payload), *d.tx);
          });
    // The day-before reminder: texts only if the appointment still stands at that time.
    host.jobs().handler(
        "reminder", [this](const switchboard::InboxItem& job, switchboard::db::Session& tx) {
          const auto facts = events::AppointmentBooked::fromJson(job.payload).appointment;
          auto appointments = host_->services().find<domain::Appointments>();
          if (!appointments) throw std::runtime_error("no directory plugin provides appointments");
          const auto a = appointments->get(tx, facts.company, facts.appointment_id);
          if (!a || a->status != "booked" || a->starts_at != facts.start) {
            host_->log()->info("{}: the appointment moved or ended: no reminder", job.key);
            return;
          }
          switchboard::Event e;
          e.topic = "notifications.reminder_due";
          e.payload = job.payload;
          onAppointment(e, tx);
        });
  }

 private:
  void onAppointment(const switchboard::Event& e, switchboard::db::Session& tx) {
    const auto what = toldBy(e);
    const auto& f = what.facts;
    if (f.customer_phone.empty()) {
      host_->log()->info("{} for appointment {}: no customer number, nobody texted", e.topic,
                         f.appointment_id);
      return;
    }
    auto directory = host_->services().find<domain::Directory>();
    if (!directory) throw std::runtime_error("no directory plugin");
    const auto company = directory->company(tx, f.company);
    if (!company) throw std::runtime_error("no company " + f.company);
    std::string branch_name = f.branch, address, zone = f.time_zone;
    for (const auto& b : directory->branches(tx, f.company))
      if (b.id == f.branch) {
        branch_name = b.name;
        address = b.address;
        if (zone.empty()) zone = b.timezone;
      }
    std::string service_name = f.service;
    if (auto s = directory->service(tx, f.company, f.service)) service_name = s->name;

    const auto language =
        templates_.languageOf(f.company, what.kind, f.language, company->language);
    const auto text = templates_.find(f.company, what.kind, f.language, company->language);
    if (text.empty()) {
      host_->log()->warn("{}: no template {} in any language", e.topic, what.kind);
      return;
    }
    const auto at = notifications::localWords(f.start, zone, language);
    std::map<std::string, std::string> vars{
        {"customer", f.customer_name},
        {"company", company->name},
        {"service", service_name},
        {"branch", branch_name},
        {"address", address},
        {"date", at.date},
        {"time", at.time},
        {"weekday", at.weekday},
        {"end_time", notifications::localWords(f.end, zone, language).time},
        {"reason", what.reason},
        {"alternatives",
         notifications::timesInWords(what.offered, zone, language, notifications::kMaxOffered)}};
    if (what.requested) {
      const auto w = notifications::localWords(*what.requested, zone, language);
      vars["requested_date"] = w.date;
      vars["requested_time"] = w.time;
    }
    if (what.previous) {
      const auto w = notifications::localWords(*what.previous, zone, language);
      vars["previous_date"] = w.date;
      vars["previous_time"] = w.time;
    }
    std::string body = notifications::fill(text, vars);
    // A name nobody said leaves "Hallo , ..." behind: tidy the gap.
    for (const char* gap : {" ,", "  "})
      for (auto p = body.find(gap); p != std::string::npos; p = body.find(gap)) body.erase(p, 1);

    notifications::SmsDraft d;
    // event + recipient + template: the same appointment and time (or offer) is told once.
    d.key =
        "sms:" + what.kind + ":" + f.company + ":" +
        (what.once.empty() ? std::to_string(f.appointment_id) + ":" + std::to_string(toMs(f.start))
                           : what.once) +
        ":" + f.customer_phone;
    d.company = f.company;
    d.to = f.customer_phone;
    d.kind = what.kind;
    d.language = language;
    d.body = body;
    d.time_zone = zone;
    outbox_->queue(tx, d);

    if (what.kind == "appointment_booked" || what.kind == "alternative_booked" ||
        what.kind == "appointment_rescheduled")
      scheduleReminder(tx, f, zone);
  }

  void scheduleReminder(switchboard::db::Session& tx, events::AppointmentFacts f,
                        const std::string& zone) {
    if (reminder_time_.empty()) return;
    // The local day before the appointment, at reminder_time.
    const auto day_before = switchboard::time::toLocal(f.start - std::chrono::hours(24), zone).date;
    const auto at = switchboard::time::fromLocal(day_before, reminder_time_, zone);
    if (!at || *at <= host_->clock().now()) return;  // booked too late for one
    f.time_zone = zone;
    host_->jobs().enqueue("reminder", events::AppointmentBooked{f}.toJson(), *at,
                          "reminder:" + f.company + ":" + std::to_string(f.appointment_id) + ":" +
                              std::to_string(toMs(f.start)),
                          &tx);
  }

  switchboard::Host* host_ = nullptr;
  std::string reminder_time_ = "18:00";
  notifications::Templates templates_;
  std::unique_ptr<notifications::Outbox> outbox_;
  std::unique_ptr<notifications::Alerts> alerts_;
};

}  // namespace

SWITCHBOARD_PLUGIN(NotificationsPlugin)
