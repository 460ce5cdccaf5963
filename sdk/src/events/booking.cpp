#include "switchboard/events/booking.h"

#include "event_json.h"

namespace switchboard::events {
namespace {

using detail::put;
using detail::ref;
using detail::text;
using detail::when;

void putFacts(json::Builder& b, const AppointmentFacts& a) {
  b.key("appointment").object();
  b.field("appointment_id", a.appointment_id).field("company", a.company).field("branch", a.branch);
  put(b, "call", a.call);
  put(b, "booking", a.booking);
  b.field("customer_name", a.customer_name)
      .field("customer_phone", a.customer_phone)
      .field("language", a.language)
      .field("service", a.service)
      .field("staff", a.staff);
  put(b, "start", a.start);
  put(b, "end", a.end);
  b.field("time_zone", a.time_zone).end();
}

AppointmentFacts facts(const json::View& root) {
  const auto v = root["appointment"];
  AppointmentFacts a;
  a.appointment_id = v.requireInteger("appointment_id");
  a.company = v.requireString("company");
  a.branch = text(v, "branch");
  a.call = ref(v, "call");
  a.booking = ref(v, "booking");
  a.customer_name = text(v, "customer_name");
  a.customer_phone = text(v, "customer_phone");
  a.language = text(v, "language");
  a.service = text(v, "service");
  a.staff = text(v, "staff");
  a.start = when(v, "start");
  a.end = when(v, "end");
  a.time_zone = text(v, "time_zone");
  return a;
}

}  // namespace

std::string AppointmentBooked::toJson() const {
  json::Builder b;
  b.object();
  putFacts(b, appointment);
  return b.end().str();
}

AppointmentBooked AppointmentBooked::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  return {facts(doc.root())};
}

std::string AlternativeBooked::toJson() const {
  json::Builder b;
  b.object();
  putFacts(b, appointment);
  put(b, "requested_start", requested_start);
  return b.field("reason", reason).end().str();
}

AlternativeBooked AlternativeBooked::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto v = doc.root();
  return {facts(v), when(v, "requested_start"), text(v, "reason")};
}

std::string BookingFailed::toJson() const {
  json::Builder b;
  b.object().field("company", company);
  put(b, "call", call);
  b.field("service", service);
  put(b, "requested_start", requested_start);
  return b.field("reason", reason).end().str();
}

BookingFailed BookingFailed::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto v = doc.root();
  return {v.requireString("company"), ref(v, "call"), text(v, "service"),
          when(v, "requested_start"), text(v, "reason")};
}

std::string AlternativesOffered::toJson() const {
  json::Builder b;
  b.object().field("request", request);
  putFacts(b, appointment);
  b.field("reason", reason).key("offered").array();
  for (const auto& t : offered) b.value(time::formatUtc(t));
  return b.end().end().str();
}

AlternativesOffered AlternativesOffered::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto v = doc.root();
  AlternativesOffered e{v.requireString("request"), facts(v), {}, text(v, "reason")};
  for (const auto& item : v["offered"].items())
    if (auto t = time::parseUtc(item.asString().value_or(""))) e.offered.push_back(*t);
  return e;
}

std::string AppointmentCancelled::toJson() const {
  json::Builder b;
  b.object();
  putFacts(b, appointment);
  return b.field("reason", reason).field("source", source).end().str();
}

AppointmentCancelled AppointmentCancelled::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto v = doc.root();
  return {facts(v), text(v, "reason"), text(v, "source")};
}

std::string AppointmentRescheduled::toJson() const {
  json::Builder b;
  b.object();
  putFacts(b, appointment);
  put(b, "previous_start", previous_start);
  return b.field("source", source).end().str();
}

AppointmentRescheduled AppointmentRescheduled::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto v = doc.root();
  return {facts(v), when(v, "previous_start"), text(v, "source")};
}

}  // namespace switchboard::events
