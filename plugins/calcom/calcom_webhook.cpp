#include "calcom_webhook.h"

#include <algorithm>
#include <map>

#include "switchboard/bounded_text.h"
#include "switchboard/time.h"

namespace calcom {

namespace json = switchboard::json;
namespace text = switchboard::text;

constexpr std::size_t kMaxReasonChars = 500;

std::string changeOf(const std::string& trigger) {
  static const std::map<std::string, std::string> kChanges = {
      {"BOOKING_CREATED", "created"},        {"BOOKING_RESCHEDULED", "rescheduled"},
      {"BOOKING_CANCELLED", "cancelled"},    {"BOOKING_REJECTED", "rejected"},
      {"BOOKING_REQUESTED", "requested"},    {"MEETING_ENDED", "ended"},
      {"BOOKING_NO_SHOW_UPDATED", "no_show"}};
  const auto it = kChanges.find(trigger);
  return it == kChanges.end() ? "" : it->second;
}

std::string identityOf(const json::View& root) {
  const auto trigger = root.requireString("triggerEvent");
  const auto payload = root["payload"];
  std::string uid = payload.string("uid").value_or("");
  if (uid.empty())
    if (auto id = payload.integer("bookingId")) uid = std::to_string(*id);
  return uid + ":" + trigger + ":" + root.string("createdAt").value_or("");
}

void checkChange(const json::View& root) {
  const auto p = root["payload"];
  if (!p.isObject()) throw std::invalid_argument("'payload' must be an object");
  const auto change = changeFrom(root);
  if (change.change == "no_show") return;  // names its booking and times loosely
  if (change.booking.id.empty()) throw std::invalid_argument("missing string field 'payload.uid'");
  if (change.end < change.start)
    throw std::invalid_argument("payload.endTime is before payload.startTime");
}

switchboard::events::CalendarChange changeFrom(const json::View& root) {
  const auto trigger = root.requireString("triggerEvent");
  const auto p = root["payload"];
  switchboard::events::CalendarChange c;
  c.change = changeOf(trigger);
  c.booking = {"calcom", p.string("uid").value_or("")};
  c.previous_id = p.string("rescheduleUid").value_or(p.string("fromReschedule").value_or(""));
  if (auto id = p.integer("eventTypeId")) c.event_type = std::to_string(*id);
  auto timeAt = [&](const char* key) {
    const auto text = p.string(key);
    const auto t = text ? switchboard::time::parseUtc(*text) : std::nullopt;
    if (!t && c.change != "no_show")
      throw std::invalid_argument("payload." + std::string(key) + " is not a time with a zone");
    return t.value_or(switchboard::TimePoint{});
  };
  c.start = timeAt("startTime");
  c.end = timeAt("endTime");
  std::string status = p.string("status").value_or("");
  std::transform(status.begin(), status.end(), status.begin(), ::tolower);
  c.status = status;
  // What people typed in Cal.com, bounded before it goes on (a text to a customer, our rows).
  c.reason = text::bounded(
      p.string("cancellationReason").value_or(p.string("rejectionReason").value_or("")),
      kMaxReasonChars);
  const auto attendees = p["attendees"].items();
  if (!attendees.empty()) {
    c.attendee_name =
        text::bounded(attendees.front().string("name").value_or(""), text::kMaxNameChars);
    c.attendee_email = text::bounded(attendees.front().string("email").value_or(""), 254);
    c.attendee_phone =
        text::bounded(attendees.front().string("phoneNumber").value_or(""), 4 * 32);
    c.no_show = attendees.front().boolean("noShow").value_or(false);
  }
  if (auto no_show = p.boolean("noShow")) c.no_show = *no_show;
  for (const auto& k : p["metadata"].keys())
    if (auto v = p["metadata"].string(k)) c.metadata.emplace_back(k, *v);
  return c;
}

}  // namespace calcom
