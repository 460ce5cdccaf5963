#include "switchboard/events/calendar.h"

#include "event_json.h"

namespace switchboard::events {

using detail::put;
using detail::ref;
using detail::text;
using detail::when;

std::string CalendarChange::toJson() const {
  json::Builder b;
  b.object().field("company", company).field("change", change);
  put(b, "booking", booking);
  b.field("previous_id", previous_id).field("event_type", event_type);
  put(b, "start", start);
  put(b, "end", end);
  b.field("status", status)
      .field("reason", reason)
      .field("no_show", no_show)
      .field("attendee_name", attendee_name)
      .field("attendee_email", attendee_email)
      .field("attendee_phone", attendee_phone);
  b.key("metadata").object();
  for (const auto& [k, v] : metadata) b.field(k, v);
  return b.end().end().str();
}

CalendarChange CalendarChange::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto v = doc.root();
  CalendarChange c;
  c.company = text(v, "company");
  c.change = v.requireString("change");
  c.booking = ref(v, "booking");
  c.previous_id = text(v, "previous_id");
  c.event_type = text(v, "event_type");
  c.start = when(v, "start");
  c.end = when(v, "end");
  c.status = text(v, "status");
  c.reason = text(v, "reason");
  c.no_show = v.boolean("no_show").value_or(false);
  c.attendee_name = text(v, "attendee_name");
  c.attendee_email = text(v, "attendee_email");
  c.attendee_phone = text(v, "attendee_phone");
  for (const auto& k : v["metadata"].keys())
    if (auto s = v["metadata"].string(k)) c.metadata.emplace_back(k, *s);
  return c;
}

}  // namespace switchboard::events
