// The booking feature: what a caller asked for becomes an appointment, once.
//  - `on_booking_requested` (calls.booking_requested): records the request under its key
//    (call:<provider>:<call id>) and queues the `book` job in the same transaction; a second
//    request for the call finds the row and queues nothing.
//  - job `book` (the SDK's call-then-record pattern, switchboard/inbox.h): outside any
//    transaction, the search window's slots in one Calendar request (or the cache), the
//    requested time if free, else the best alternative (alternative_finder.h) booked or, by
//    the company's settings.alternative_policy = offer, only offered; a repeat of the job first
//    looks up the booking its earlier try may have made. Then, in one transaction: the
//    Appointment, the call's link to it, the customer's journey, booking_requests, and
//    booking.appointment_booked / alternative_booked / alternatives_offered / failed.
//  - `on_calendar_change` (calcom.booking_*): changes made in the calendar itself reach our
//    appointments (cancelled, rescheduled, rejected, ended, no-show); our own bookings are
//    recognised by their reference and never recorded twice.
//  - CallTools (live_desk.h): the agent's functions while the caller is on the line; a call
//    that booked so is not booked again from its post-call request (status booked_live).
// config: slots_cache_ms (300000), horizon_days (3), alternatives (3), min_notice_hours (24).
#include "alternative_finder.h"
#include "appointment_facts.h"
#include "availability_cache.h"
#include "booking_horizon.h"
#include "booking_outcome.h"
#include "live_desk.h"
#include "switchboard/config/plugin_config.h"
#include "switchboard/contracts/calendar.h"
#include "switchboard/db.h"
#include "switchboard/domain/repositories.h"
#include "switchboard/events/booking.h"
#include "switchboard/events/calendar.h"
#include "switchboard/events/calls.h"
#include "switchboard/sdk.h"
#include "switchboard/tenant_sql.h"
#include "switchboard/time.h"
#include "switchboard/typed_event.h"

namespace booking {
std::vector<switchboard::Migration> migrations(const std::string& backend);  // generated
}

namespace {

using switchboard::TimePoint;
namespace json = switchboard::json;
namespace domain = switchboard::domain;
namespace contracts = switchboard::contracts;
namespace events = switchboard::events;
namespace time = switchboard::time;
using switchboard::sql::toMs;
using Kind = contracts::CalendarError::Kind;

using booking::Outcome;

std::string requestKey(const events::BookingRequested& r) {
  return "call:" + r.call.provider + ":" + r.call.id;
}

class BookingPlugin final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override {
    return {"booking", "1.0.0", {contracts::CallTools::kServiceName}, {}};
  }

  std::vector<switchboard::Migration> migrations(const std::string& backend) const override {
    return booking::migrations(backend);
  }

  void configure(switchboard::Host& host) override {
    host_ = &host;
    std::int64_t cache_ms = 300000;
    switchboard::readPluginConfig(host, [&](switchboard::config::YamlReader& r,
                                            const YAML::Node& c) {
      if (!r.isMap(c, "config")) return;
      r.map(c, "config", {"slots_cache_ms", "horizon_days", "alternatives", "min_notice_hours"});
      min_notice_hours_ = r.integer(c, "min_notice_hours", "config", 0, 24 * 60).value_or(24);
      cache_ms = r.integer(c, "slots_cache_ms", "config", 0, 86400000).value_or(300000);
      horizon_days_ = static_cast<int>(r.integer(c, "horizon_days", "config", 0, 60).value_or(3));
      top_ = static_cast<std::size_t>(r.integer(c, "alternatives", "config", 1, 20).value_or(3));
    });
    cache_ = std::make_unique<booking::AvailabilityCache>(std::chrono::milliseconds(cache_ms));
    desk_ = std::make_shared<booking::LiveDesk>(
        host, *cache_,
        booking::DeskSettings{horizon_days_, top_, std::chrono::minutes(min_notice_hours_ * 60)},
        [this](const events::BookingRequested& r, const std::string& key, const Outcome& o,
               switchboard::db::Session& tx) { record(r, key, o, tx); });
    desk_->registerJobs();
    host.services().provide<contracts::CallTools>(desk_);

    host.events().transactionalHandler(
        "on_booking_requested",
        [this](const switchboard::Event& e, const switchboard::EventDelivery& d) {
          if (!d.tx) throw std::logic_error("on_booking_requested must be subscribed async");
          onBookingRequested(e, *d.tx);
        });
    host.events().transactionalHandler(
        "on_calendar_change",
        [this](const switchboard::Event& e, const switchboard::EventDelivery& d) {
          if (!d.tx) throw std::logic_error("on_calendar_change must be subscribed async");
          onCalendarChange(events::CalendarChange::fromJson(e.payload), *d.tx);
        });
    host.jobs().upstreamCall(
        "book", {[this](const switchboard::InboxItem& job) { return book(job).toJson(); },
                 [this](const switchboard::InboxItem& job, const std::string& result,
                        switchboard::db::Session& tx) {
                   record(events::BookingRequested::fromJson(job.payload), job.key,
                          Outcome::fromJson(result), tx);
                 }});
    host.healthCheck("slots_cache", [this] {
      switchboard::HealthStatus s;
      s.ok = true;
      s.figures = {{"hits", static_cast<double>(cache_->hits())},
                   {"misses", static_cast<double>(cache_->misses())}};
      return s;
    });
  }

 private:
  template <class T>
  T* service() const {
    return host_->services().find<T>().get();
  }

  // ---- the request ----
  void onBookingRequested(const switchboard::Event& e, switchboard::db::Session& tx) {
    const auto r = events::BookingRequested::fromJson(e.payload);
    const auto key = requestKey(r);
    if (tx.one("SELECT 1 FROM booking_requests WHERE request_key = $1", key)) {
      host_->log()->info("booking request {} is known already: not booked again", key);
      return;
    }
    const std::string call_ref = r.call.provider + ":" + r.call.id;
    // Booked while the caller was on the line (the tool functions): the call has its
    // appointment; what the report asks for is that booking, not a second one.
    const auto live = tx.one(
        "SELECT COUNT(*), MIN(appointment_id) FROM booking_requests WHERE call_ref = $1 AND "
        "status IN ('booked', 'alternative_booked', 'queued')",
        call_ref);
    const bool booked_live = live->get<std::int64_t>(0) > 0;
    const auto live_appointment = live->get<std::optional<std::int64_t>>(1);
    tx.execute(
        "INSERT INTO booking_requests (request_key, company_id, branch_id, service_id, call_id, "
        "customer_id, requested_start_ms, requested_local, time_zone, status, created_at_ms, "
        "updated_at_ms, call_ref, appointment_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
        "$10, $11, $11, $12, $13)",
        key, r.company, r.branch, r.service, r.call_id, r.customer_id, r.requested_start,
        r.start_local, r.time_zone, booked_live ? "booked_live" : "pending", host_->clock().now(),
        call_ref, live_appointment);
    if (booked_live) {
      if (r.call_id && live_appointment)
        if (const auto times =
                tx.one("SELECT requested_start_ms, booked_start_ms FROM booking_requests WHERE "
                       "call_ref = $1 AND appointment_id = $2",
                       call_ref, *live_appointment))
          linkCall(tx, r.company, *r.call_id, *live_appointment, times->get<TimePoint>(0),
                   times->get<TimePoint>(1));
      host_->log()->info("booking request {}: booked during the call (appointment {})", key,
                         live_appointment.value_or(0));
      return;
    }
    host_->jobs().enqueue("book", e.payload, host_->clock().now(), key, &tx);
  }

  // ---- the upstream step: no transaction is open here ----
  Outcome book(const switchboard::InboxItem& job) {
    const auto r = events::BookingRequested::fromJson(job.payload);
    auto* calendar = service<contracts::Calendar>();
    if (!calendar) throw std::runtime_error("no calendar plugin provides contract.calendar");
    auto* directory = service<domain::Directory>();
    if (!directory) throw std::runtime_error("no directory plugin");
    std::optional<domain::Company> company;
    std::optional<domain::Service> svc;
    std::vector<domain::WorkingHour> hours;
    // Read, the connection released before any network call.
    host_->store().database().read([&](switchboard::db::Session& session) {
      company = directory->company(session, r.company);
      svc = directory->service(session, r.company, r.service);
      hours = directory->workingHours(session, r.company, r.branch);
    });
    Outcome out;
    out.start = r.requested_start;
    auto failed = [&](std::string reason) {
      out.status = "failed";
      out.reason = std::move(reason);
      return out;
    };
    if (!company || !svc) return failed("the company or its service " + r.service + " is gone");
    if (!svc->calcom_event_type_id)
      return failed("service " + svc->id + " has no calendar event type (calcom_event_type_id)");
    const std::string event_type = std::to_string(*svc->calcom_event_type_id);

    const auto parts = booking::partsOf(*svc);
    booking::FinderInput in;
    in.requested = r.requested_start;
    in.time_zone = r.time_zone;
    in.duration_minutes = svc->duration_minutes;
    in.hours = hours;
    in.horizon_days = horizon_days_;
    in.now = host_->clock().now();
    in.staff = r.staff;
    in.top = top_;
    // A time gone by the time the call is read is not booked, nor moved to another: the
    // caller meant that time (and Cal.com refuses the past).
    if (r.requested_start <= in.now) return failed("the requested time has passed");
    if (booking::beyondHorizon(*company, r.requested_start, in.now))
      return failed("the requested time is more than " +
                    std::to_string(booking::bookingHorizonDays(*company)) +
                    " days ahead (booking_horizon_days)");
    auto window = booking::windowOf(time::toLocal(r.requested_start, r.time_zone).date,
                                    horizon_days_, r.time_zone);
    window.query.company = r.company;
    window.query.event_type = event_type;
    const auto& q = window.query;

    contracts::BookingRequest request;
    request.company = r.company;
    request.event_type = event_type;
    request.attendee = {r.customer_name, r.customer_phone, r.customer_email,
                        r.language.empty() ? company->language : r.language, r.time_zone};
    request.metadata = {{"switchboard_company", r.company},
                        {"switchboard_call", r.call.provider + ":" + r.call.id}};
    request.reference = job.key;

    try {
      // A repeat (a crash or a lost answer after the create): the first try's booking, if any
      // (a composite group's parts all, else none: a partial group is cancelled and booked anew).
      if (job.attempt > 1) {
        if (auto found = booking::findParts(*calendar, r.company, job.key, parts)) {
          out.take(*found);
          out.status = out.start == r.requested_start ? "booked" : "alternative_booked";
          out.reason = out.status == "booked" ? "" : "booked on an earlier try";
          return out;
        }
      }
      // A composite service fits where each of its staff-busy parts finds a free slot.
      auto slots = booking::startsWhereAllFit(
          cache_->getOrLoad(window, [&] { return calendar->slots(q); }), parts);
      auto tryBook = [&](TimePoint start) -> bool {
        try {
          out.take(booking::bookParts(*calendar, request, parts, start, [&](const std::string& n) {
            host_->log()->info("{}: {}", job.key, n);
          }));
          cache_->invalidate(r.company, event_type);
          return true;
        } catch (const contracts::CalendarError& e) {
          cache_->invalidate(r.company, event_type);
          if (e.kind() != Kind::SlotTaken) throw;
          host_->log()->info("{}: {} was taken meanwhile: {}", job.key, time::formatUtc(start),
                             e.what());
          return false;
        }
      };
      if (booking::requestedIsFree(slots, in)) {
        if (tryBook(r.requested_start)) {
          out.status = "booked";
          return out;
        }
        const auto fresh = calendar->slots(q);  // it went: look again, once
        cache_->put(q, window.days, fresh);
        slots = booking::startsWhereAllFit(fresh, parts);
      }
      const auto alternatives = booking::rankAlternatives(slots, in);
      if (alternatives.empty())
        return failed("nothing free within " + std::to_string(horizon_days_) +
                      " days of the requested time in the branch's working hours");
      for (const auto& a : alternatives) out.offered.push_back(a.start);
      const auto policy = company->settings.count("alternative_policy")
                              ? company->settings.at("alternative_policy")
                              : std::string("book");
      if (policy == "offer") {
        out.status = "offered";
        out.reason = "the requested time is taken; alternatives offered (" +
                     alternatives.front().reason + " first)";
        return out;
      }
      for (const auto& a : alternatives) {
        if (tryBook(a.start)) {
          out.status = "alternative_booked";
          out.reason = a.reason;
          return out;
        }
      }
      return failed("the requested time and its alternatives were taken meanwhile");
    } catch (const contracts::CalendarError& e) {
      switch (e.kind()) {
        case Kind::Unavailable:
          // The job waits (with backoff, behind the breaker) and completes once it is back.
          if (e.retryAfter()) throw switchboard::RetryLater(*e.retryAfter(), e.what());
          throw;
        case Kind::Refused:
        case Kind::NotFound:
        case Kind::SlotTaken:
          return failed(e.what());
      }
      throw;
    }
  }

  // ---- the record step: one transaction, with the job marked done ----
  void record(const events::BookingRequested& r, const std::string& key, const Outcome& o,
              switchboard::db::Session& tx) {
    const long long now = toMs(host_->clock().now());
    std::string offered = "[]";
    {
      json::Builder b;
      b.array();
      for (const auto& t : o.offered) b.value(time::formatUtc(t));
      offered = b.end().str();
    }
    if (o.status == "failed" || o.status == "offered") {
      tx.execute(
          "UPDATE booking_requests SET status = $1, reason = $2, offered = $3, updated_at_ms = $4 "
          "WHERE request_key = $5",
          o.status, o.reason, offered, now, key);
      if (o.status == "offered") {
        publishOffer(r, key, o);
        return;
      }
      events::BookingFailed failed{r.company, r.call, r.service, r.requested_start, o.reason};
      switchboard::publish(host_->events(), failed, r.company);
      host_->log()->info("{}: not booked: {}", key, o.reason);
      return;
    }
    auto* appointments = service<domain::Appointments>();
    if (!appointments) throw std::runtime_error("no directory plugin provides appointments");
    // One appointment, or a composite group's parts (the group named by the request's key);
    // the first is the one the call and the request link to.
    std::vector<booking::MadePart> parts = o.parts;
    if (parts.empty()) parts.push_back({{}, o.uid, o.start, o.end});
    domain::Appointment a;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      domain::Appointment p;
      if (!parts[i].uid.empty())
        if (auto existing = appointments->byCalcomUid(tx, r.company, parts[i].uid))
          p = *existing;  // its webhook came first and recorded it: ours, so complete it
      p.company_id = r.company;
      p.branch_id = r.branch;
      p.service_id = r.service;
      p.staff_id = r.staff;
      p.customer_id = r.customer_id;
      p.call_id = r.call_id;
      p.starts_at = parts[i].start;
      p.ends_at = parts[i].end;
      if (i == 0) p.requested_start = r.requested_start;
      p.status = "booked";
      p.calcom_booking_uid = parts[i].uid;
      p.composite_group = o.parts.empty() ? "" : key;
      p.source = "phone";
      p = appointments->save(tx, r.company, p);
      if (i == 0) a = p;
    }
    a.ends_at = o.end;  // the group's, for what is told
    const long long booked = toMs(o.start);
    tx.execute(
        "UPDATE booking_requests SET status = $1, reason = $2, offered = $3, booked_start_ms = $4, "
        "appointment_id = $5, booking_uid = $6, updated_at_ms = $7 WHERE request_key = $8",
        o.status, o.reason, offered, booked, a.id, o.uid, now, key);
    if (r.call_id) linkCall(tx, r.company, *r.call_id, a.id, r.requested_start, o.start);
    if (r.customer_id)
      if (auto* customers = service<domain::Customers>())
        if (auto c = customers->get(tx, r.company, *r.customer_id);
            c && c->journey_status == "lead") {
          c->journey_status = "booked";
          customers->save(tx, r.company, *c);
        }
    // What the people told need: the stored appointment, with what the caller said.
    auto facts = factsOf(a, tx);
    facts.call = r.call;
    if (!r.customer_name.empty()) facts.customer_name = r.customer_name;
    if (!r.customer_phone.empty()) facts.customer_phone = r.customer_phone;
    facts.language = r.language;
    facts.time_zone = r.time_zone;
    if (o.status == "booked") {
      switchboard::publish(host_->events(), events::AppointmentBooked{facts}, r.company);
    } else {
      switchboard::publish(host_->events(),
                           events::AlternativeBooked{facts, r.requested_start, o.reason},
                           r.company);
    }
    host_->log()->info("{}: {} at {} ({})", key, o.status, time::formatUtc(o.start), o.uid);
  }

  // The caller is offered the free times (the company books only what it is asked for).
  void publishOffer(const events::BookingRequested& r, const std::string& key, const Outcome& o) {
    events::AlternativesOffered e;
    e.request = key;
    auto& f = e.appointment;
    f.company = r.company;
    f.branch = r.branch;
    f.call = r.call;
    f.customer_name = r.customer_name;
    f.customer_phone = r.customer_phone;
    f.language = r.language;
    f.service = r.service;
    f.staff = r.staff;
    f.start = f.end = r.requested_start;
    f.time_zone = r.time_zone;
    e.offered = o.offered;
    e.reason = o.reason;
    switchboard::publish(host_->events(), e, r.company);
    host_->log()->info("{}: offered {} times: {}", key, o.offered.size(), o.reason);
  }

  // The call's link to what it produced (the first appointment, when it made several).
  // With what was asked and what was booked, when this request knows them.
  void linkCall(switchboard::db::Session& tx, const std::string& company, std::int64_t call_id,
                std::int64_t appointment_id, std::optional<TimePoint> requested = std::nullopt,
                std::optional<TimePoint> booked = std::nullopt) {
    if (auto* calls = service<domain::Calls>())
      if (auto call = calls->get(tx, company, call_id); call && !call->appointment_id) {
        call->appointment_id = appointment_id;
        if (requested) call->requested_start = requested;
        if (booked) call->booked_start = booked;
        calls->save(tx, company, *call);
      }
  }

  // ---- changes made in the calendar ----
  void onCalendarChange(const events::CalendarChange& c, switchboard::db::Session& tx) {
    auto* appointments = service<domain::Appointments>();
    if (!appointments || c.company.empty()) return;
    if (!c.event_type.empty()) cache_->invalidate(c.company, c.event_type);
    auto a = appointments->byCalcomUid(tx, c.company, c.booking.id);
    if (c.change == "rescheduled" && !a && !c.previous_id.empty()) {
      if (auto old = appointments->byCalcomUid(tx, c.company, c.previous_id)) {
        const auto previous = old->starts_at;
        old->calcom_booking_uid = c.booking.id;
        old->starts_at = c.start;
        old->ends_at = c.end;
        old->status = "booked";
        auto saved = appointments->save(tx, c.company, *old);
        events::AppointmentRescheduled e{factsOf(saved, tx), previous, "calendar"};
        switchboard::publish(host_->events(), e, c.company);
      }
      return;
    }
    if (!a) return;  // created: ours is recorded by its job; others' are not ours to keep (yet)
    if (c.change == "cancelled" || c.change == "rejected") {
      if (a->status == "cancelled") return;
      a->status = "cancelled";
      auto saved = appointments->save(tx, c.company, *a);
      events::AppointmentCancelled e{factsOf(saved, tx),
                                     c.reason.empty() ? c.change + " in the calendar" : c.reason,
                                     "calendar"};
      switchboard::publish(host_->events(), e, c.company);
    } else if (c.change == "ended" && a->status == "booked") {
      a->status = "completed";
      appointments->save(tx, c.company, *a);
      if (a->customer_id)
        if (auto* customers = service<domain::Customers>())
          if (auto cu = customers->get(tx, c.company, *a->customer_id);
              cu && (cu->journey_status == "lead" || cu->journey_status == "booked")) {
            cu->journey_status = "customer";
            customers->save(tx, c.company, *cu);
          }
    } else if (c.change == "no_show") {
      a->status = c.no_show ? "no_show" : "booked";
      appointments->save(tx, c.company, *a);
    } else if (c.change == "rescheduled" && a->starts_at != c.start) {
      const auto previous = a->starts_at;
      a->starts_at = c.start;
      a->ends_at = c.end;
      auto saved = appointments->save(tx, c.company, *a);
      events::AppointmentRescheduled e{factsOf(saved, tx), previous, "calendar"};
      switchboard::publish(host_->events(), e, c.company);
    }
  }

  events::AppointmentFacts factsOf(const domain::Appointment& a, switchboard::db::Session& tx) {
    return booking::factsOf(*host_, a, tx);
  }

  switchboard::Host* host_ = nullptr;
  std::unique_ptr<booking::AvailabilityCache> cache_;
  std::shared_ptr<booking::LiveDesk> desk_;
  std::int64_t min_notice_hours_ = 24;
  int horizon_days_ = 3;
  std::size_t top_ = 3;
};

}  // namespace

SWITCHBOARD_PLUGIN(BookingPlugin)
