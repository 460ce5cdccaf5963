#include "switchboard/events/calls.h"

#include "event_json.h"

namespace switchboard::events {

using detail::put;
using detail::ref;
using detail::text;
using detail::when;

std::string CallStarted::toJson() const {
  json::Builder b;
  b.object().field("company", company).field("branch", branch);
  put(b, "call", call);
  b.field("from_number", from_number).field("to_number", to_number);
  put(b, "started_at", started_at);
  return b.end().str();
}

CallStarted CallStarted::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto v = doc.root();
  return {text(v, "company"),     text(v, "branch"),    ref(v, "call"),
          text(v, "from_number"), text(v, "to_number"), when(v, "started_at")};
}

std::string CallEnded::toJson() const {
  json::Builder b;
  b.object().field("company", company);
  put(b, "call", call);
  put(b, "ended_at", ended_at);
  b.field("duration_seconds", duration_seconds).field("disconnection_reason", disconnection_reason);
  return b.end().str();
}

CallEnded CallEnded::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto v = doc.root();
  return {text(v, "company"), ref(v, "call"), when(v, "ended_at"),
          static_cast<int>(v.integer("duration_seconds").value_or(0)),
          text(v, "disconnection_reason")};
}

std::string UnknownNumber::toJson() const {
  json::Builder b;
  b.object();
  put(b, "call", call);
  b.field("from_number", from_number).field("to_number", to_number);
  put(b, "at", at);
  return b.end().str();
}

UnknownNumber UnknownNumber::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto v = doc.root();
  return {ref(v, "call"), text(v, "from_number"), text(v, "to_number"), when(v, "at")};
}

std::string NeedsReview::toJson() const {
  json::Builder b;
  b.object().field("company", company);
  put(b, "call", call);
  return b.field("reason", reason).end().str();
}

NeedsReview NeedsReview::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto v = doc.root();
  return {text(v, "company"), ref(v, "call"), text(v, "reason")};
}

std::string BookingRequested::toJson() const {
  json::Builder b;
  b.object().field("company", company).field("branch", branch);
  put(b, "call", call);
  b.field("customer_id", customer_id)
      .field("customer_name", customer_name)
      .field("customer_phone", customer_phone)
      .field("customer_email", customer_email)
      .field("language", language)
      .field("service", service)
      .field("staff", staff);
  put(b, "requested_start", requested_start);
  return b.field("time_zone", time_zone)
      .field("notes", notes)
      .field("start_local", start_local)
      .field("call_id", call_id)
      .field("confidence", confidence)
      .end()
      .str();
}

BookingRequested BookingRequested::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto v = doc.root();
  BookingRequested e;
  e.company = v.requireString("company");
  e.branch = text(v, "branch");
  e.call = ref(v, "call");
  e.customer_id = v.integer("customer_id");
  e.customer_name = text(v, "customer_name");
  e.customer_phone = text(v, "customer_phone");
  e.customer_email = text(v, "customer_email");
  e.language = text(v, "language");
  e.service = v.requireString("service");
  e.staff = text(v, "staff");
  e.requested_start = when(v, "requested_start");
  e.time_zone = text(v, "time_zone");
  e.notes = text(v, "notes");
  e.start_local = text(v, "start_local");
  e.call_id = v.integer("call_id");
  e.confidence = v.number("confidence").value_or(0);
  return e;
}

std::string CallCompleted::toJson() const {
  json::Builder b;
  b.object().field("company", company).field("branch", branch);
  put(b, "call", call);
  b.field("call_id", call_id)
      .field("customer_id", customer_id)
      .field("duration_seconds", duration_seconds)
      .key("costs")
      .array();
  for (const auto& c : costs)
    b.object()
        .field("platform", c.platform)
        .field("amount_minor", c.amount.minor)
        .field("currency", c.amount.currency)
        .field("basis", c.basis)
        .end();
  return b.end().end().str();
}

CallCompleted CallCompleted::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto v = doc.root();
  CallCompleted e;
  e.company = text(v, "company");
  e.branch = text(v, "branch");
  e.call = ref(v, "call");
  e.call_id = v.integer("call_id");
  e.customer_id = v.integer("customer_id");
  e.duration_seconds = static_cast<int>(v.integer("duration_seconds").value_or(0));
  for (const auto& c : v["costs"].items())
    e.costs.push_back({text(c, "platform"),
                       {c.integer("amount_minor").value_or(0), text(c, "currency")},
                       text(c, "basis")});
  return e;
}

}  // namespace switchboard::events
