#include "live_desk.h"

#include <algorithm>
#include <optional>
#include <set>

#include "alternative_finder.h"
#include "appointment_facts.h"
#include "booking_horizon.h"
#include "composite_booking.h"
#include "service_lookup.h"
#include "spoken.h"
#include "switchboard/bounded_text.h"
#include "switchboard/contracts/calendar.h"
#include "switchboard/domain/repositories.h"
#include "switchboard/events/booking.h"
#include "switchboard/inbox.h"
#include "switchboard/phone.h"
#include "switchboard/sdk.h"
#include "switchboard/services.h"
#include "switchboard/store.h"
#include "switchboard/tenant_sql.h"
#include "switchboard/time.h"
#include "switchboard/typed_event.h"

namespace booking {

namespace {

namespace json = switchboard::json;
namespace time = switchboard::time;
namespace domain = switchboard::domain;
namespace contracts = switchboard::contracts;
namespace events = switchboard::events;
using switchboard::TimePoint;
using switchboard::sql::toMs;
using Kind = contracts::CalendarError::Kind;

// What the caller hears, thrown to leave a function early ("that service I do not know").
struct Say {
  std::string text;
};

std::string arg(const json::View& args, const char* name) {
  auto v = args.string(name).value_or("");
  const auto first = v.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return v.substr(first, v.find_last_not_of(" \t") - first + 1);
}

std::string requiredArg(const json::View& args, const char* name) {
  auto v = arg(args, name);
  if (v.empty()) throw contracts::ToolError(false, std::string("missing argument '") + name + "'");
  return v;
}

// A change the caller made, for the job that records it.
std::string changeJson(const std::string& company, std::int64_t appointment,
                       const domain::ExternalRef& call, const contracts::Booking* moved) {
  json::Builder b;
  b.object().field("company", company).field("appointment", static_cast<long long>(appointment));
  b.field("call_provider", call.provider).field("call_id", call.id);
  if (moved)
    b.field("uid", moved->ref.id)
        .field("start", time::formatUtc(moved->start))
        .field("end", time::formatUtc(moved->end));
  return b.end().str();
}

}  // namespace

void LiveDesk::registerJobs() {
  host_.jobs().handler(
      "live_record", [this](const switchboard::InboxItem& job, switchboard::db::Session& tx) {
        const auto doc = json::parse(job.payload);
        const auto v = doc.root();
        auto r = events::BookingRequested::fromJson(v["request"].text());
        if (!r.call_id)
          if (auto calls = host_.services().find<domain::Calls>())
            if (auto row = calls->adminByRef(tx, r.call); row && row->company_id == r.company)
              r.call_id = row->id;
        record_(r, v.requireString("key"), Outcome::fromJson(v["outcome"].text()), tx);
      });
  auto change = [this](const switchboard::InboxItem& job, switchboard::db::Session& tx,
                       bool cancel) {
    const auto doc = json::parse(job.payload);
    const auto v = doc.root();
    const auto company = v.requireString("company");
    auto& appointments = host_.services().get<domain::Appointments>();
    auto a = appointments.get(tx, company, v.requireInteger("appointment"));
    if (!a) return;
    const auto previous = a->starts_at;
    if (cancel) {
      if (a->status == "cancelled") return;
      a->status = "cancelled";
    } else {
      a->calcom_booking_uid = v.requireString("uid");
      a->starts_at = time::parseUtc(v.requireString("start")).value_or(a->starts_at);
      a->ends_at = time::parseUtc(v.requireString("end")).value_or(a->ends_at);
      a->status = "booked";
    }
    const auto saved = appointments.save(tx, company, *a);
    auto facts = factsOf(host_, saved, tx);
    facts.call = {v.string("call_provider").value_or(""), v.string("call_id").value_or("")};
    if (cancel)
      switchboard::publish(host_.events(),
                           events::AppointmentCancelled{facts, "cancelled by the caller", "phone"},
                           company);
    else
      switchboard::publish(host_.events(), events::AppointmentRescheduled{facts, previous, "phone"},
                           company);
  };
  host_.jobs().handler("live_cancel",
                       [change](const switchboard::InboxItem& job, switchboard::db::Session& tx) {
                         change(job, tx, true);
                       });
  host_.jobs().handler("live_reschedule",
                       [change](const switchboard::InboxItem& job, switchboard::db::Session& tx) {
                         change(job, tx, false);
                       });
}

struct LiveDesk::Context {
  contracts::ToolCall call;
  domain::Company company;
  domain::Branch branch;
  std::vector<domain::WorkingHour> hours;
  std::vector<domain::Service> services;
  std::optional<domain::Customer> customer;
  std::string caller;  // the caller's number as E.164; empty when it reads as none
  Speech speech;
  TimePoint now{};

  bool german() const { return speech.german; }
  std::string say(const char* de, const char* en) const { return german() ? de : en; }
  std::string when(TimePoint t) const { return booking::when(speech, t); }
  std::string tooFarAhead() const {
    const auto days = std::to_string(bookingHorizonDays(company));
    return say("So weit im Voraus buchen wir leider nicht (höchstens ",
               "We do not book that far ahead, I am sorry (at most ") +
           days + say(" Tage).", " days).");
  }

  // "2026-11-27T15:00" in the branch's zone, or a UTC/offset time ("...Z", "+01:00").
  TimePoint start(const std::string& text, const char* name) const {
    if (text.size() >= 16 && text[10] == 'T' && text.find_first_of("Z+", 16) == std::string::npos &&
        text.find('-', 16) == std::string::npos)
      if (auto t = time::fromLocal(text.substr(0, 10), text.substr(11, 5), branch.timezone))
        return *t;
    if (auto t = time::parseUtc(text)) return *t;
    throw contracts::ToolError(false, std::string("argument '") + name + "' is not a time (" +
                                          "YYYY-MM-DDTHH:MM in the branch's zone): '" + text + "'");
  }

  const domain::Service& service(const json::View& args) const {
    const auto said = requiredArg(args, "service");
    if (const auto* s = findService(services, said)) return *s;
    std::vector<std::string> names;
    for (const auto& s : services)
      if (s.active) names.push_back(s.name);
    throw Say{(german() ? "Die Leistung \"" + said + "\" kenne ich nicht. Wir bieten an: "
                        : "I do not know the service \"" + said + "\". We offer: ") +
              allOf(names, german()) + "."};
  }

  std::string eventType(const domain::Service& s) const {
    if (!s.calcom_event_type_id)
      throw Say{say("Für diese Leistung kann ich am Telefon leider keine Termine vergeben.",
                    "I cannot book this service on the phone, I am sorry.")};
    return std::to_string(*s.calcom_event_type_id);
  }

  FinderInput finder(const domain::Service& s, TimePoint requested, const DeskSettings& d) const {
    FinderInput in;
    in.requested = requested;
    in.time_zone = branch.timezone;
    in.duration_minutes = s.duration_minutes;
    in.hours = hours;
    in.horizon_days = d.horizon_days;
    in.now = now;
    in.top = d.alternatives;
    return in;
  }

  std::string alternatives(const std::vector<Alternative>& list, TimePoint requested) const {
    std::vector<std::string> spoken;
    for (const auto& a : list) spoken.push_back(whenAfter(speech, a.start, requested));
    return oneOf(spoken, german());
  }

  std::string calendarDown() const {
    return say("Ich erreiche den Kalender gerade nicht. Bitte versuchen Sie es gleich noch einmal.",
               "I cannot reach the calendar right now. Please try again in a moment.");
  }

  std::chrono::minutes minNotice(const DeskSettings& d) const {
    if (auto it = company.settings.find("min_notice_hours"); it != company.settings.end())
      return std::chrono::minutes(std::atoll(it->second.c_str()) * 60);
    return d.min_notice;
  }

  // The caller's upcoming appointment the arguments name (`start`: its time or day): its
  // rows, earliest first (a composite service's group has one per part).
  std::vector<domain::Appointment> ownAppointment(switchboard::Host& host,
                                                  const json::View& args) const {
    if (!customer)
      throw Say{say("Unter Ihrer Nummer finde ich keinen Termin.",
                    "I find no appointment under your number.")};
    std::vector<std::vector<domain::Appointment>> upcoming;  // groups, earliest first
    host.store().database().read([&](switchboard::db::Session& db) {
      for (auto& a :
           host.services().get<domain::Appointments>().forCustomer(db, company.id, customer->id)) {
        if (a.status != "booked" || a.starts_at <= now) continue;
        auto group = std::find_if(upcoming.begin(), upcoming.end(), [&](const auto& g) {
          return !a.composite_group.empty() && g.front().composite_group == a.composite_group;
        });
        if (group != upcoming.end())
          group->push_back(std::move(a));
        else if (!a.calcom_booking_uid.empty())
          upcoming.push_back({std::move(a)});
      }
    });
    const auto named = arg(args, "start");
    if (!named.empty()) {
      std::vector<std::vector<domain::Appointment>> matching;
      for (const auto& g : upcoming) {
        const auto local = time::toLocal(g.front().starts_at, branch.timezone);
        if (named.size() == 10 ? local.date == named : g.front().starts_at == start(named, "start"))
          matching.push_back(g);
      }
      upcoming = std::move(matching);
    }
    if (upcoming.empty())
      throw Say{say("Ich finde unter Ihrer Nummer keinen kommenden Termin dazu.",
                    "I find no upcoming appointment like that under your number.")};
    if (upcoming.size() > 1) {
      std::vector<std::string> spoken;
      for (const auto& g : upcoming) spoken.push_back(when(g.front().starts_at));
      throw Say{(german() ? "Sie haben mehrere Termine: " : "You have several appointments: ") +
                allOf(spoken, german()) + say(". Welchen meinen Sie?", ". Which one do you mean?")};
    }
    return upcoming.front();
  }

  void requireNotice(const domain::Appointment& a, const DeskSettings& d, const char* de,
                     const char* en) const {
    const auto notice = minNotice(d);
    if (a.starts_at - now >= notice) return;
    const auto hours = std::to_string(notice.count() / 60);
    throw Say{german() ? std::string(de) + " ist nur bis " + hours +
                             " Stunden vor dem Termin möglich. Bitte sprechen Sie direkt mit uns."
                       : std::string(en) + " is possible up to " + hours +
                             " hours before the appointment. Please talk to us directly."};
  }
};

contracts::ToolAnswer LiveDesk::call(const contracts::ToolCall& call) {
  static const std::set<std::string> kFunctions = {"check_availability", "book_appointment",
                                                   "cancel_appointment", "reschedule_appointment"};
  if (!kFunctions.count(call.name))
    throw contracts::ToolError(true, "no function '" + call.name +
                                         "' (check_availability, book_appointment, "
                                         "cancel_appointment, reschedule_appointment)");
  json::Document doc;
  try {
    doc = json::parse(call.arguments_json);
  } catch (const std::invalid_argument& e) {
    throw contracts::ToolError(false, std::string("arguments: ") + e.what());
  }
  const auto args = doc.root();
  Context c;
  c.call = call;
  c.now = host_.clock().now();
  // Read, the connection released before any calendar call.
  host_.store().database().read([&](switchboard::db::Session& session) {
    auto* db = &session;
    auto& directory = host_.services().get<domain::Directory>();
    auto company = directory.company(*db, call.company);
    if (!company) throw contracts::ToolError(false, "unknown company '" + call.company + "'");
    c.company = *company;
    const auto branches = directory.branches(*db, call.company);
    for (const auto& b : branches)
      if (b.id == call.branch || (call.branch.empty() && c.branch.id.empty())) c.branch = b;
    if (c.branch.id.empty())
      throw contracts::ToolError(false, "unknown branch '" + call.branch + "'");
    c.hours = directory.workingHours(*db, call.company, c.branch.id);
    c.services = directory.services(*db, call.company);
    // What the platform sent, bounded and read as E.164 (fullwidth digits, spaces...): the
    // number Cal.com and the SMS get, never the raw text.
    const auto caller = switchboard::phone::toE164(call.caller, c.company.country);
    c.caller = caller.e164.value_or("");
    if (!c.caller.empty())
      c.customer = host_.services().get<domain::Customers>().byPhone(*db, call.company, c.caller);
  });
  c.speech = {c.company.language.rfind("en", 0) != 0, c.branch.timezone, c.now};
  try {
    if (call.name == "check_availability") return {checkAvailability(c, args)};
    if (call.name == "book_appointment") return {bookAppointment(c, args)};
    if (call.name == "cancel_appointment") return {cancelAppointment(c, args)};
    return {rescheduleAppointment(c, args)};
  } catch (const Say& say) {
    return {say.text};
  } catch (const contracts::CalendarError& e) {
    host_.log()->warn("call {}: {}: calendar: {}", call.call.id, call.name, e.what());
    if (e.kind() == Kind::Unavailable) return {c.calendarDown()};
    return {c.say("Das kann ich leider gerade nicht erledigen; wir melden uns bei Ihnen.",
                  "I cannot do that right now, I am sorry; we will get back to you.")};
  }
}

std::string LiveDesk::checkAvailability(const Context& c, const json::View& args) {
  const auto& svc = c.service(args);
  const auto event_type = c.eventType(svc);
  const auto date = requiredArg(args, "date");
  const auto at = arg(args, "time");
  const auto requested = time::fromLocal(date, at.empty() ? "12:00" : at, c.branch.timezone);
  if (!requested)
    throw contracts::ToolError(false,
                               "arguments 'date' (YYYY-MM-DD) and 'time' (HH:MM) expected, "
                               "got '" +
                                   date + "' '" + at + "'");
  if (beyondHorizon(c.company, *requested, c.now)) return c.tooFarAhead();
  auto window = windowOf(date, settings_.horizon_days, c.branch.timezone);
  window.query.company = c.company.id;
  window.query.event_type = event_type;
  auto& calendar = host_.services().get<contracts::Calendar>();
  const auto slots = startsWhereAllFit(
      cache_.getOrLoad(window, [&] { return calendar.slots(window.query); }), partsOf(svc));
  const auto in = c.finder(svc, *requested, settings_);
  if (!at.empty()) {
    if (*requested <= c.now)
      return c.say("Dieser Zeitpunkt liegt schon in der Vergangenheit.",
                   "That time has already passed.");
    if (requestedIsFree(slots, in))
      return c.when(*requested) +
             c.say(" ist frei. Soll ich den Termin buchen?", " is free. Shall I book it?");
    const auto alternatives = rankAlternatives(slots, in);
    if (alternatives.empty())
      return c.when(*requested) + c.say(
                                      " ist leider belegt, und in den nächsten Tagen finde ich "
                                      "nichts Freies.",
                                      " is taken, and I find nothing free in the next days.");
    return c.when(*requested) +
           c.say(" ist leider belegt. Frei wäre ", " is taken. Free would be ") +
           c.alternatives(alternatives, *requested) + ".";
  }
  // No time: that day's free times, the first few.
  std::vector<TimePoint> free;
  for (const auto& s : slots)
    if (s.start > c.now && time::toLocal(s.start, c.branch.timezone).date == date &&
        withinHours(s.start, svc.duration_minutes, in) &&
        std::find(free.begin(), free.end(), s.start) == free.end())
      free.push_back(s.start);
  std::sort(free.begin(), free.end());
  if (free.size() > settings_.alternatives + 2) free.resize(settings_.alternatives + 2);
  if (free.empty()) {
    const auto alternatives = rankAlternatives(slots, in);
    if (alternatives.empty())
      return c.say("An diesem Tag und in den Tagen danach ist leider nichts frei.",
                   "Nothing is free that day or in the days after, I am sorry.");
    return c.say("An diesem Tag ist leider nichts frei. Frei wäre ",
                 "Nothing is free that day. Free would be ") +
           c.alternatives(alternatives, *requested) + ".";
  }
  std::vector<std::string> spoken;
  for (const auto& t : free) spoken.push_back(whenAfter(c.speech, t, free.front()));
  spoken.front() = c.when(free.front());
  return c.say("Frei ist ", "Free is ") + oneOf(spoken, c.german()) + ".";
}

std::string LiveDesk::bookAppointment(const Context& c, const json::View& args) {
  const auto& svc = c.service(args);
  const auto event_type = c.eventType(svc);
  const auto start = c.start(requiredArg(args, "start"), "start");
  if (start <= c.now)
    return c.say("Dieser Zeitpunkt liegt schon in der Vergangenheit.",
                 "That time has already passed.");
  if (beyondHorizon(c.company, start, c.now)) return c.tooFarAhead();
  const auto in = c.finder(svc, start, settings_);
  if (!withinHours(start, svc.duration_minutes, in))
    return c.when(start) + c.say(" haben wir nicht geöffnet.", " we are not open.");
  auto name = switchboard::text::bounded(arg(args, "name"), switchboard::text::kMaxNameChars);
  if (name.empty() && c.customer) name = c.customer->name;
  const auto local = time::toLocal(start, c.branch.timezone);

  events::BookingRequested r;
  r.company = c.company.id;
  r.branch = c.branch.id;
  r.call = c.call.call;
  if (c.customer) r.customer_id = c.customer->id;
  r.customer_name = name.empty() ? c.caller : name;
  r.customer_phone = c.caller;
  r.language = c.company.language;
  r.service = svc.id;
  r.requested_start = start;
  r.time_zone = c.branch.timezone;
  r.start_local = local.date + "T" + local.time;
  const auto key = "live:" + r.call.provider + ":" + r.call.id + ":" + time::formatUtc(start);
  const auto booked = [&](TimePoint at) {
    return c.say("Gebucht: ", "Booked: ") + svc.name + " " + c.when(at) +
           c.say(". Wir freuen uns auf Sie!", ". We look forward to seeing you!");
  };

  // The key first: a repeated call of the function finds its first answer. The insert comes
  // before any read (SQLite: a transaction that reads first cannot wait for the write lock).
  std::string status;  // of the request asked before, "" for a new one
  TimePoint booked_before{};
  host_.store().database().write([&](switchboard::db::Session& tx) {
    const auto inserted = tx.execute(
        "INSERT INTO booking_requests (request_key, company_id, branch_id, service_id, "
        "customer_id, requested_start_ms, requested_local, time_zone, status, created_at_ms, "
        "updated_at_ms, call_ref) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9, $10) "
        "ON CONFLICT (request_key) DO NOTHING",
        key, r.company, r.branch, r.service, r.customer_id, start, r.start_local, r.time_zone,
        c.now, r.call.provider + ":" + r.call.id);
    if (inserted == 0) {  // asked before
      const auto row = tx.one(
          "SELECT status, booked_start_ms FROM booking_requests WHERE request_key = $1", key);
      status = row->get<std::string>(0);
      booked_before = row->get<std::optional<TimePoint>>(1).value_or(TimePoint{});
    }
  });
  if (status == "booked" || status == "alternative_booked") return booked(booked_before);
  if (status == "queued")
    return c.say(
        "Ihr Wunsch ist notiert; die Bestätigung kommt, sobald der Kalender wieder "
        "erreichbar ist.",
        "Your request is noted; the confirmation follows once the calendar is back.");

  auto& calendar = host_.services().get<contracts::Calendar>();
  contracts::BookingRequest request;
  request.company = r.company;
  request.event_type = event_type;
  request.start = start;
  request.attendee = {r.customer_name, r.customer_phone, "", r.language, r.time_zone};
  request.metadata = {{"switchboard_company", r.company},
                      {"switchboard_call", r.call.provider + ":" + r.call.id}};
  request.reference = key;
  const auto parts = partsOf(svc);
  Outcome o;
  try {
    std::optional<std::vector<MadePart>> made;
    if (status == "pending") made = findParts(calendar, r.company, key, parts);  // earlier try's
    if (!made) made = bookParts(calendar, request, parts, start);
    cache_.invalidate(r.company, event_type);
    o.status = "booked";
    o.take(*made);
  } catch (const contracts::CalendarError& e) {
    const std::string why = e.what();
    if (e.kind() == Kind::Unavailable) {
      // The caller is told; the job books it once the calendar is back (behind the breaker).
      host_.store().database().write([&](switchboard::db::Session& tx) {
        tx.execute(
            "UPDATE booking_requests SET status = 'queued', reason = $1 WHERE request_key = $2",
            why, key);
        host_.jobs().enqueue("book", r.toJson(), c.now, key, &tx);
      });
      host_.log()->warn("{}: calendar unavailable, queued: {}", key, e.what());
      return c.say(
          "Ich erreiche den Kalender gerade nicht. Ihr Wunsch ist notiert: wir buchen "
          "den Termin, sobald er wieder erreichbar ist, und Sie bekommen eine "
          "Bestätigung.",
          "I cannot reach the calendar right now. Your request is noted: we book it as "
          "soon as the calendar is back, and you will get a confirmation.");
    }
    // The connection goes back before the calendar is asked again.
    host_.store().database().write([&](switchboard::db::Session& tx) {
      tx.execute(
          "UPDATE booking_requests SET status = 'failed', reason = $1 WHERE request_key = $2", why,
          key);
    });
    if (e.kind() != Kind::SlotTaken) throw;
    cache_.invalidate(r.company, event_type);
    auto window = windowOf(local.date, settings_.horizon_days, c.branch.timezone);
    window.query.company = r.company;
    window.query.event_type = event_type;
    const auto slots = startsWhereAllFit(
        cache_.getOrLoad(window, [&] { return calendar.slots(window.query); }), parts);
    const auto alternatives = rankAlternatives(slots, in);
    return c.when(start) +
           (alternatives.empty()
                ? c.say(" wurde leider gerade vergeben.", " was just taken, I am sorry.")
                : c.say(" wurde leider gerade vergeben. Frei wäre ",
                        " was just taken, I am sorry. Free would be ") +
                      c.alternatives(alternatives, start) + ".");
  }
  // Recorded by a job (the record step publishes, and events join the job's transaction);
  // the key's row says booked at once, so a repeated call of the function is answered alike.
  host_.store().database().write([&](switchboard::db::Session& tx) {
    tx.execute(
        "UPDATE booking_requests SET status = 'booked', booked_start_ms = $1, booking_uid = $2, "
        "updated_at_ms = $3 WHERE request_key = $4",
        o.start, o.uid, c.now, key);
    json::Builder payload;
    payload.object().field("key", key).key("request").raw(r.toJson());
    payload.key("outcome").raw(o.toJson()).end();
    host_.jobs().enqueue("live_record", payload.str(), c.now, key, &tx);
  });
  return booked(o.start);
}

std::string LiveDesk::cancelAppointment(const Context& c, const json::View& args) {
  const auto group = c.ownAppointment(host_, args);
  const auto& a = group.front();
  c.requireNotice(a, settings_, "Eine Absage", "Cancelling");
  auto& calendar = host_.services().get<contracts::Calendar>();
  for (const auto& part : group) {
    if (!part.calcom_booking_uid.empty()) try {
        calendar.cancel(c.company.id, {"calcom", part.calcom_booking_uid},
                        "cancelled by the caller on the phone");
      } catch (const contracts::CalendarError& e) {
        if (e.kind() != Kind::NotFound) throw;  // gone there already: ours follows
      }
    host_.jobs().enqueue("live_cancel", changeJson(part.company_id, part.id, c.call.call, nullptr),
                         c.now, "live_cancel:" + std::to_string(part.id));
  }
  for (const auto& s : c.services)
    if (s.id == a.service_id && s.calcom_event_type_id)
      cache_.invalidate(c.company.id, std::to_string(*s.calcom_event_type_id));
  return c.say("Ihr Termin ", "Your appointment ") + c.when(a.starts_at) +
         c.say(" ist abgesagt.", " is cancelled.");
}

std::string LiveDesk::rescheduleAppointment(const Context& c, const json::View& args) {
  const auto group = c.ownAppointment(host_, args);
  const auto& a = group.front();
  c.requireNotice(a, settings_, "Eine Verschiebung", "Moving an appointment");
  if (group.size() > 1)
    throw Say{
        c.say("Diesen Termin aus mehreren Teilen kann ich am Telefon nicht verschieben; "
              "ich kann ihn absagen und einen neuen buchen.",
              "I cannot move this appointment of several parts on the phone; I can cancel "
              "it and book a new one.")};
  const auto new_start = c.start(requiredArg(args, "new_start"), "new_start");
  if (new_start <= c.now)
    return c.say("Dieser Zeitpunkt liegt schon in der Vergangenheit.",
                 "That time has already passed.");
  if (beyondHorizon(c.company, new_start, c.now)) return c.tooFarAhead();
  const domain::Service* svc = nullptr;
  for (const auto& s : c.services)
    if (s.id == a.service_id) svc = &s;
  if (!svc)
    throw Say{c.say("Diesen Termin kann ich am Telefon nicht verschieben.",
                    "I cannot move this appointment on the phone.")};
  const auto event_type = c.eventType(*svc);
  auto& calendar = host_.services().get<contracts::Calendar>();
  auto window = windowOf(time::toLocal(new_start, c.branch.timezone).date, settings_.horizon_days,
                         c.branch.timezone);
  window.query.company = c.company.id;
  window.query.event_type = event_type;
  const auto in = c.finder(*svc, new_start, settings_);
  const auto taken = [&] {
    const auto slots = cache_.getOrLoad(window, [&] { return calendar.slots(window.query); });
    const auto alternatives = rankAlternatives(slots, in);
    return c.when(new_start) +
           (alternatives.empty()
                ? c.say(" ist leider belegt.", " is taken, I am sorry.")
                : c.say(" ist leider belegt. Frei wäre ", " is taken. Free would be ") +
                      c.alternatives(alternatives, new_start) + ".");
  };
  const auto slots = cache_.getOrLoad(window, [&] { return calendar.slots(window.query); });
  if (!requestedIsFree(slots, in)) return taken();
  contracts::Booking moved;
  try {
    moved = calendar.reschedule(c.company.id, {"calcom", a.calcom_booking_uid}, new_start,
                                "moved by the caller on the phone");
  } catch (const contracts::CalendarError& e) {
    if (e.kind() != Kind::SlotTaken) throw;
    cache_.invalidate(c.company.id, event_type);
    return taken();
  }
  cache_.invalidate(c.company.id, event_type);
  host_.jobs().enqueue("live_reschedule", changeJson(a.company_id, a.id, c.call.call, &moved),
                       c.now, "live_reschedule:" + moved.ref.id);
  return c.say("Erledigt: Ihr Termin ist jetzt ", "Done: your appointment is now ") +
         c.when(moved.start) + ".";
}

}  // namespace booking
