#include "calcom_api.h"

#include <algorithm>

#include "switchboard/time.h"

namespace calcom {

namespace contracts = switchboard::contracts;
namespace json = switchboard::json;
using Kind = contracts::CalendarError::Kind;
using switchboard::OutboundRequest;
using switchboard::OutboundResponse;
using switchboard::TimePoint;

namespace {

// cal-api-version per endpoint family: without it Cal.com answers with its legacy handlers.
constexpr const char* kSlotsVersion = "2024-09-04";
constexpr const char* kBookingsVersion = "2024-08-13";
constexpr const char* kEventTypesVersion = "2024-06-14";

std::string messageOf(const OutboundResponse& r) {
  if (r.status == 0) return r.circuit_open ? "Cal.com is not called (breaker open)" : r.error;
  try {
    const auto doc = json::parse(r.body);
    if (auto m = doc.root()["error"].string("message")) return *m;
    if (auto m = doc.root().string("message")) return *m;
  } catch (const std::exception&) {
  }
  return r.body.substr(0, 200);
}

// A failed answer as the contract's error: what the booking feature should do about it.
[[noreturn]] void fail(const OutboundResponse& r, const std::string& what) {
  const auto message = what + ": Cal.com answered " +
                       (r.status ? std::to_string(r.status) : std::string("nothing")) + ": " +
                       messageOf(r);
  if (r.status == 0 || r.status == 429 || r.status >= 500)
    throw contracts::CalendarError(Kind::Unavailable, message, r.retry_after);
  if (r.status == 404) throw contracts::CalendarError(Kind::NotFound, message);
  std::string lower = messageOf(r);
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  // Cal.com refuses a taken time with 409, or 400 and a message saying the host is busy.
  if (r.status == 409 || lower.find("not available") != std::string::npos ||
      lower.find("already has booking") != std::string::npos ||
      lower.find("no available users") != std::string::npos)
    throw contracts::CalendarError(Kind::SlotTaken, message);
  throw contracts::CalendarError(Kind::Refused, message);
}

json::View dataOf(const json::Document& doc) {
  return doc.root()["data"];
}

TimePoint timeOf(const json::View& v, std::string_view key) {
  const auto text = v.string(key);
  const auto t = text ? switchboard::time::parseUtc(*text) : std::nullopt;
  if (!t)
    throw contracts::CalendarError(Kind::Refused,
                                   "Cal.com sent no valid '" + std::string(key) + "' time");
  return *t;
}

std::string isoUtcMillis(TimePoint t) {
  auto s = switchboard::time::formatUtc(t);  // ...:00Z
  s.insert(s.size() - 1, ".000");
  return s;
}

}  // namespace

contracts::Booking bookingOf(const json::View& data) {
  contracts::Booking b;
  if (auto uid = data.string("uid")) b.ref = {"calcom", *uid};
  b.start = timeOf(data, data["start"].exists() ? "start" : "startTime");
  b.end = timeOf(data, data["end"].exists() ? "end" : "endTime");
  std::string status = data.string("status").value_or("accepted");
  std::transform(status.begin(), status.end(), status.begin(), ::tolower);
  b.status = status;
  for (const auto& k : data["metadata"].keys())
    if (auto v = data["metadata"].string(k)) b.metadata.emplace_back(k, *v);
  return b;
}

CalcomApi::CalcomApi(switchboard::HttpClient& client, std::string base_url, AccountOf account_of,
                     std::chrono::milliseconds event_types_ttl, std::size_t requests_per_minute)
    : client_(client),
      base_url_(std::move(base_url)),
      account_of_(std::move(account_of)),
      ttl_(event_types_ttl),
      limit_(requests_per_minute) {}

OutboundResponse CalcomApi::send(const switchboard::domain::CompanyId& company,
                                 OutboundRequest request, const char* api_version) {
  const auto account = account_of_(company);
  if (account.api_key.empty())
    throw contracts::CalendarError(Kind::Refused,
                                   "company " + company + " has no Cal.com key (calcom.api_key)");
  if (const auto wait = limit_.acquire(account.api_key, std::chrono::steady_clock::now()))
    throw contracts::CalendarError(
        Kind::Unavailable,
        "Cal.com's requests per minute for company " + company + "'s key are used up; not sent",
        *wait);
  request.bearer(account.api_key);
  request.header("cal-api-version", api_version);
  request.upstream = "calcom";
  request.tenant = company;
  return client_.send(request);
}

std::vector<contracts::EventType> CalcomApi::fetchEventTypes(
    const switchboard::domain::CompanyId& company) {
  const auto team = account_of_(company).team_id;
  if (!team) return {};
  const auto r = send(
      company,
      OutboundRequest("GET", base_url_ + "/v2/teams/" + std::to_string(*team) + "/event-types"),
      kEventTypesVersion);
  if (!r.ok()) fail(r, "listing team " + std::to_string(*team) + "'s event types");
  const auto doc = json::parse(r.body);
  std::vector<contracts::EventType> out;
  for (const auto& e : dataOf(doc).items()) {
    contracts::EventType t;
    if (auto id = e.integer("id")) t.id = std::to_string(*id);
    t.title = e.string("title").value_or("");
    t.duration_minutes =
        static_cast<int>(e.integer("lengthInMinutes").value_or(e.integer("length").value_or(0)));
    if (auto owner = e.integer("teamId"))
      t.owner = std::to_string(*owner);
    else
      t.owner = std::to_string(*team);
    out.push_back(std::move(t));
  }
  std::lock_guard lock(mutex_);
  event_types_[company] = {std::chrono::steady_clock::now(), out};
  return out;
}

std::vector<contracts::EventType> CalcomApi::eventTypes(
    const switchboard::domain::CompanyId& company) {
  {
    std::lock_guard lock(mutex_);
    const auto it = event_types_.find(company);
    if (it != event_types_.end() && std::chrono::steady_clock::now() - it->second.at < ttl_)
      return it->second.types;
  }
  return fetchEventTypes(company);
}

void CalcomApi::requireOwned(const switchboard::domain::CompanyId& company,
                             const std::string& event_type) {
  const auto team = account_of_(company).team_id;
  if (!team) return;  // a personal account: whatever its key may book
  auto owned = [&](const std::vector<contracts::EventType>& types) {
    return std::any_of(types.begin(), types.end(),
                       [&](const contracts::EventType& t) { return t.id == event_type; });
  };
  if (owned(eventTypes(company))) return;
  if (owned(fetchEventTypes(company))) return;  // added to the team since the cache was filled
  throw contracts::CalendarError(Kind::Refused, "event type " + event_type +
                                                    " does not belong to Cal.com team " +
                                                    std::to_string(*team) + " of " + company);
}

std::vector<contracts::Slot> CalcomApi::slots(const contracts::SlotQuery& q) {
  requireOwned(q.company, q.event_type);
  const std::string url = base_url_ +
                          "/v2/slots?eventTypeId=" + switchboard::percentEncode(q.event_type) +
                          "&start=" + switchboard::percentEncode(isoUtcMillis(q.from)) +
                          "&end=" + switchboard::percentEncode(isoUtcMillis(q.to)) +
                          "&timeZone=" + switchboard::percentEncode(q.time_zone) + "&format=range";
  const auto r = send(q.company, OutboundRequest("GET", url), kSlotsVersion);
  if (!r.ok()) fail(r, "reading slots of event type " + q.event_type);
  const auto doc = json::parse(r.body);
  std::vector<contracts::Slot> out;
  const auto data = dataOf(doc);
  for (const auto& day : data.keys())
    for (const auto& s : data[day].items()) {
      contracts::Slot slot;
      slot.start = timeOf(s, "start");
      if (s["end"].exists())
        slot.duration_minutes = static_cast<int>(
            std::chrono::duration_cast<std::chrono::minutes>(timeOf(s, "end") - slot.start)
                .count());
      out.push_back(std::move(slot));
    }
  std::sort(out.begin(), out.end(),
            [](const contracts::Slot& a, const contracts::Slot& b) { return a.start < b.start; });
  return out;
}

contracts::Booking CalcomApi::book(const contracts::BookingRequest& request) {
  requireOwned(request.company, request.event_type);
  if (request.attendee.phone.empty() && request.attendee.email.empty())
    throw contracts::CalendarError(Kind::Refused,
                                   "Cal.com needs the attendee's phone number or email");
  json::Builder b;
  b.object().field("start", isoUtcMillis(request.start));
  try {
    b.field("eventTypeId", std::stoll(request.event_type));
  } catch (const std::exception&) {
    throw contracts::CalendarError(Kind::Refused,
                                   "Cal.com event type ids are numbers, not " + request.event_type);
  }
  if (request.length_minutes > 0) b.field("lengthInMinutes", request.length_minutes);
  b.key("attendee")
      .object()
      .field("name",
             request.attendee.name.empty() ? std::string("Anrufer") : request.attendee.name);
  b.field("timeZone", request.attendee.time_zone);
  if (!request.attendee.email.empty()) b.field("email", request.attendee.email);
  if (!request.attendee.phone.empty()) b.field("phoneNumber", request.attendee.phone);
  if (!request.attendee.language.empty()) b.field("language", request.attendee.language);
  b.end().key("metadata").object();
  for (const auto& [k, v] : request.metadata) b.field(k, v.substr(0, 500));
  if (!request.reference.empty()) b.field(kReferenceKey, request.reference.substr(0, 500));
  b.end().end();
  OutboundRequest post("POST", base_url_ + "/v2/bookings");
  post.json(b.str());
  // Cal.com has no idempotency keys: a lost answer is not retried here; the job retries and
  // first looks its booking up by our reference (findBooking).
  post.retry = false;
  const auto r = send(request.company, std::move(post), kBookingsVersion);
  if (!r.ok()) fail(r, "booking event type " + request.event_type);
  return bookingOf(dataOf(json::parse(r.body)));
}

std::optional<contracts::Booking> CalcomApi::findBooking(
    const switchboard::domain::CompanyId& company, const std::string& reference) {
  // Cal.com cannot filter by metadata: a repeat looks among the newest bookings, which holds
  // the first try's (a job repeats within minutes of it).
  const auto r =
      send(company, OutboundRequest("GET", base_url_ + "/v2/bookings?take=100&sortCreated=desc"),
           kBookingsVersion);
  if (!r.ok()) fail(r, "looking up booking " + reference);
  const auto doc = json::parse(r.body);
  for (const auto& item : dataOf(doc).items())
    if (item["metadata"].string(kReferenceKey) == reference) return bookingOf(item);
  return std::nullopt;
}

void CalcomApi::cancel(const switchboard::domain::CompanyId& company,
                       const switchboard::domain::ExternalRef& booking, const std::string& reason) {
  OutboundRequest post(
      "POST", base_url_ + "/v2/bookings/" + switchboard::percentEncode(booking.id) + "/cancel");
  post.json(json::Builder().object().field("cancellationReason", reason).end().str());
  const auto r = send(company, std::move(post), kBookingsVersion);  // cancelling twice is harmless
  if (!r.ok()) fail(r, "cancelling booking " + booking.id);
}

contracts::Booking CalcomApi::reschedule(const switchboard::domain::CompanyId& company,
                                         const switchboard::domain::ExternalRef& booking,
                                         TimePoint new_start, const std::string& reason) {
  OutboundRequest post(
      "POST", base_url_ + "/v2/bookings/" + switchboard::percentEncode(booking.id) + "/reschedule");
  post.json(json::Builder()
                .object()
                .field("start", isoUtcMillis(new_start))
                .field("reschedulingReason", reason)
                .end()
                .str());
  post.retry = false;  // a new booking each time
  const auto r = send(company, std::move(post), kBookingsVersion);
  if (!r.ok()) fail(r, "rescheduling booking " + booking.id);
  return bookingOf(dataOf(json::parse(r.body)));
}

}  // namespace calcom
