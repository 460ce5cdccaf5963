#include "alert_policy.h"

#include "switchboard/events/booking.h"
#include "switchboard/events/calls.h"
#include "switchboard/json.h"
#include "switchboard/phone.h"
#include "switchboard/time.h"

namespace notifications {

namespace events = switchboard::events;
namespace json = switchboard::json;

namespace {

// A dialled number's alert group: its digits as read (fullwidth written as ASCII, spaces and
// dashes dropped), so one number is one group however it was spelt; whatever is no number
// (empty, too long, letters only) shares one group instead of opening one each.
std::string numberGroup(const std::string& text) {
  const auto normal = switchboard::phone::normalised(text);
  std::string digits;
  if (normal)
    for (const char c : *normal)
      if ((c >= '0' && c <= '9') || (c == '+' && digits.empty())) digits += c;
  return digits.size() < 3 ? "not-a-number" : digits;
}

// A number as the alert shows it: at most a number's length of what the provider sent.
std::string shown(const std::string& text) {
  if (switchboard::phone::normalised(text)) return text.empty() ? "(none)" : text;
  return "(not a number: " + std::to_string(text.size()) + " bytes)";
}

}  // namespace
using Kind = AlertDraft::Kind;

std::optional<AlertDraft> alertFor(const switchboard::Event& e, const std::string& self,
                                   std::chrono::minutes window) {
  AlertDraft d;
  d.window = window;
  auto& a = d.alert;
  if (e.topic == "upstream.circuit_opened" || e.topic == "upstream.circuit_closed") {
    const auto doc = json::parse(e.payload);
    const auto v = doc.root();
    const auto upstream = v.string("upstream").value_or("?");
    const auto tenant = v.string("tenant").value_or("");
    a.company = tenant;
    a.group_key = "circuit:" + v.string("plugin").value_or("") + ":" + upstream + ":" + tenant;
    if (e.topic == "upstream.circuit_opened") {
      d.kind = Kind::Open;
      a.severity = "critical";
      a.title = upstream + " is failing" + (tenant.empty() ? "" : " for " + tenant);
      a.text = "Calls to " + upstream +
               " fail; they are held back and retried. Nothing is "
               "lost; appointments and messages wait until it answers again.";
    } else {
      d.kind = Kind::Resolve;
      a.severity = "info";
      a.title = upstream + " answers again" + (tenant.empty() ? "" : " for " + tenant);
      a.text = "Resolved: calls to " + upstream + " succeed again; what waited goes out now.";
    }
    return d;
  }
  if (e.topic == "inbox.item_dead") {
    const auto doc = json::parse(e.payload);
    const auto v = doc.root();
    const auto source = v.string("source").value_or("?"), type = v.string("type").value_or("?");
    if (source == self && type == "alert") return std::nullopt;
    d.kind = Kind::Window;
    a.company = e.tenant;
    a.severity = "critical";
    a.group_key = "dead:" + source + ":" + type;
    a.title = "Work given up: " + source + " " + type;
    a.text = "Inbox item " + std::to_string(v.integer("id").value_or(0)) + " (" +
             v.string("key").value_or("") + ") failed " +
             std::to_string(v.integer("attempts").value_or(0)) +
             " times and will not be retried: " + v.string("error").value_or("") +
             "\nReplay it with: switchboard inbox replay " +
             std::to_string(v.integer("id").value_or(0));
    return d;
  }
  if (e.topic == events::UnknownNumber::kTopic) {
    const auto u = events::UnknownNumber::fromJson(e.payload);
    d.kind = Kind::Window;
    a.severity = "warning";
    a.group_key = "unknown_number:" + numberGroup(u.to_number);
    a.title = "Calls to an unknown number: " + shown(u.to_number);
    a.text = "A call from " + shown(u.from_number) + " to " + shown(u.to_number) + " at " +
             switchboard::time::formatUtc(u.at) +
             " matched no active branch; it is recorded unassigned (/unassigned).";
    return d;
  }
  if (e.topic == events::NeedsReview::kTopic) {
    const auto n = events::NeedsReview::fromJson(e.payload);
    a.company = n.company;
    a.severity = "warning";
    a.group_key = "review:" + n.call.provider + ":" + n.call.id;
    a.title = "A call needs a person";
    a.text = "Call " + n.call.id + ": " + n.reason;
    return d;
  }
  if (e.topic == events::BookingFailed::kTopic) {
    const auto f = events::BookingFailed::fromJson(e.payload);
    a.company = f.company;
    a.severity = "warning";
    a.group_key = "booking_failed:" + f.call.provider + ":" + f.call.id;
    a.title = "An appointment could not be booked";
    a.text = "Call " + f.call.id + " asked for " + f.service + " at " +
             switchboard::time::formatUtc(f.requested_start) + ": " + f.reason;
    return d;
  }
  return std::nullopt;
}

}  // namespace notifications
