#include "support/fake_calcom.h"

#include <optional>

#include "support/http_client.h"
#include "switchboard/crypto.h"
#include "switchboard/json.h"
#include "switchboard/time.h"

namespace sbtest {

namespace json = switchboard::json;
using switchboard::TimePoint;
using switchboard::testing::RecordedRequest;
using switchboard::testing::Reply;

namespace {

Reply error(int status, const std::string& code, const std::string& message) {
  return Reply::json(status, json::Builder()
                                 .object()
                                 .field("status", "error")
                                 .field("timestamp", "2026-11-28T00:00:00.000Z")
                                 .key("error")
                                 .object()
                                 .field("code", code)
                                 .field("message", message)
                                 .end()
                                 .end()
                                 .str());
}

// Cal.com's answer to a start sooner than the event type's minimum booking notice.
Reply tooSoonError() {
  return error(400, "BadRequestException",
               "The event type can't be booked at this time: too soon (violating the minimum "
               "booking notice)");
}

// "2026-11-25T09:00:00.000+01:00": Cal.com writes slots in the asked zone.
std::string localIso(TimePoint t, const std::string& zone) {
  const auto local = switchboard::time::toLocal(t, zone);
  const auto utc = switchboard::time::toLocal(t, "UTC");
  int offset = local.minutes_of_day - utc.minutes_of_day;
  if (local.date > utc.date) offset += 1440;
  if (local.date < utc.date) offset -= 1440;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset < 0 ? '-' : '+', std::abs(offset) / 60,
                std::abs(offset) % 60);
  return local.date + "T" + local.time + ":00.000" + buf;
}

std::string utcIso(TimePoint t) {
  auto s = switchboard::time::formatUtc(t);
  s.insert(s.size() - 1, ".000");
  return s;
}

void putBooking(json::Builder& b, const FakeCalcom::Booking& k) {
  b.object()
      .field("id", k.id)
      .field("uid", k.uid)
      .field("title", "Booking")
      .field("status", k.status)
      .field("start", utcIso(k.start))
      .field("end", utcIso(k.end))
      .field("duration",
             static_cast<long long>(
                 std::chrono::duration_cast<std::chrono::minutes>(k.end - k.start).count()))
      .field("eventTypeId", k.event_type);
  if (!k.rescheduled_from.empty()) b.field("rescheduledFromUid", k.rescheduled_from);
  b.key("metadata").object();
  for (const auto& [key, v] : k.metadata) b.field(key, v);
  b.end().end();
}

}  // namespace

FakeCalcom::FakeCalcom(std::string api_key, long long team_id, std::set<long long> team_types)
    : key_(std::move(api_key)), team_(team_id), team_types_(std::move(team_types)) {
  api_.on("GET", "/v2/slots",
          [this](const RecordedRequest& r) { return slots(r).after(latency_); });
  api_.on("POST", "/v2/bookings",
          [this](const RecordedRequest& r) { return create(r).after(latency_); });
  api_.on("GET", "/v2/bookings",
          [this](const RecordedRequest& r) { return list(r).after(latency_); });
  api_.on("POST", "/v2/bookings/*",
          [this](const RecordedRequest& r) { return change(r).after(latency_); });
  api_.on("GET", "/v2/teams/*",
          [this](const RecordedRequest& r) { return eventTypes(r).after(latency_); });
}

void FakeCalcom::addFree(long long event_type, TimePoint start, int minutes) {
  std::lock_guard lock(mutex_);
  free_[event_type][start] = minutes;
}

void FakeCalcom::allowLengths(long long event_type, std::set<int> minutes) {
  std::lock_guard lock(mutex_);
  lengths_[event_type] = std::move(minutes);
}

std::vector<FakeCalcom::Booking> FakeCalcom::bookings() const {
  std::lock_guard lock(mutex_);
  return bookings_;
}

std::optional<Reply> FakeCalcom::refuse(const RecordedRequest& r, const char* version) const {
  if (r.header("authorization") != "Bearer " + key_)
    return error(401, "UnauthorizedException", "Invalid API key");
  // Without the header Cal.com answers with its legacy handlers: a different shape we must
  // never rely on. The fake refuses instead, so a missing version fails the test.
  if (r.header("cal-api-version") != version)
    return error(400, "BadRequestException",
                 "cal-api-version " + std::string(version) + " expected for " + r.path);
  return std::nullopt;
}

void FakeCalcom::webhooksTo(std::uint16_t port, std::string path, std::string secret) {
  std::lock_guard lock(mutex_);
  webhook_port_ = port;
  webhook_path_ = std::move(path);
  webhook_secret_ = std::move(secret);
}

// Cal.com's webhook body: {"triggerEvent", "createdAt", "payload": {uid, eventTypeId,
// startTime, endTime, status, metadata, ...}}, signed as hex HMAC-SHA256 of the raw body.
int FakeCalcom::sendWebhook(const std::string& trigger, const Booking& b,
                            const std::string& extra) {
  json::Builder body;
  body.object()
      .field("triggerEvent", trigger)
      .field("createdAt",
             utcIso(switchboard::TimePoint(std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch()))));
  body.key("payload").object().field("uid", b.uid).field("bookingId", b.id);
  body.field("eventTypeId", b.event_type)
      .field("startTime", utcIso(b.start))
      .field("endTime", utcIso(b.end))
      .field("status", b.status == "cancelled" ? "CANCELLED" : "ACCEPTED");
  if (!b.rescheduled_from.empty()) body.field("rescheduleUid", b.rescheduled_from);
  if (!extra.empty()) body.field("cancellationReason", extra);
  body.key("metadata").object();
  for (const auto& [k, v] : b.metadata) body.field(k, v);
  body.end().end().end();
  const auto text = body.str();
  return sbtest::request(
             webhook_port_, "POST", webhook_path_, text,
             {{"Content-Type", "application/json"},
              {"X-Cal-Signature-256", switchboard::crypto::hmacSha256Hex(webhook_secret_, text)}})
      .status;
}

// Cal.com's reschedule: a new booking (new uid) replacing `old`, which is cancelled.
FakeCalcom::Booking FakeCalcom::replaceLocked(std::size_t old, TimePoint start, int minutes) {
  Booking k = bookings_[old];
  bookings_[old].status = "cancelled";
  k.id = 90000 + static_cast<long long>(bookings_.size()) + 1;
  k.uid = "bk_fake_" + std::to_string(k.id);
  k.start = start;
  k.end = start + std::chrono::minutes(minutes);
  k.status = "accepted";
  k.rescheduled_from = bookings_[old].uid;
  bookings_.push_back(k);
  return k;
}

std::pair<int, std::string> FakeCalcom::moveInCalcom(const std::string& uid, TimePoint start) {
  std::optional<Booking> moved;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < bookings_.size() && !moved; ++i)
      if (bookings_[i].uid == uid)
        moved = replaceLocked(i, start,
                              static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(
                                                   bookings_[i].end - bookings_[i].start)
                                                   .count()));
  }
  if (!moved) return {404, ""};
  return {sendWebhook("BOOKING_RESCHEDULED", *moved, ""), moved->uid};
}

int FakeCalcom::cancelInCalcom(const std::string& uid, const std::string& reason) {
  std::optional<Booking> cancelled;
  {
    std::lock_guard lock(mutex_);
    for (auto& k : bookings_)
      if (k.uid == uid) {
        k.status = "cancelled";
        cancelled = k;
      }
  }
  if (!cancelled) return 404;
  return sendWebhook("BOOKING_CANCELLED", *cancelled, reason);
}

void FakeCalcom::snatch(long long event_type, TimePoint start) {
  std::lock_guard lock(mutex_);
  snatched_.insert({event_type, start});
}

bool FakeCalcom::taken(long long event_type, TimePoint start) const {
  for (const auto& b : bookings_)
    if (b.event_type == event_type && b.start == start && b.status != "cancelled") return true;
  return false;
}

void FakeCalcom::setMinimumNotice(long long event_type, std::chrono::minutes notice) {
  std::lock_guard lock(mutex_);
  notice_[event_type] = notice;
}

bool FakeCalcom::tooSoon(long long event_type, TimePoint start) const {
  const auto n = notice_.find(event_type);
  return start <= std::chrono::system_clock::now() +
                      (n == notice_.end() ? std::chrono::minutes(0) : n->second);
}

Reply FakeCalcom::slots(const RecordedRequest& r) {
  if (auto no = refuse(r, "2024-09-04")) return *no;
  const auto type = std::stoll(r.queryParam("eventTypeId").value_or("0"));
  const auto from = switchboard::time::parseUtc(r.queryParam("start").value_or(""));
  const auto to = switchboard::time::parseUtc(r.queryParam("end").value_or(""));
  const auto zone = r.queryParam("timeZone").value_or("UTC");
  if (!from || !to) return error(400, "BadRequestException", "start and end must be ISO times");
  std::map<std::string, std::vector<std::pair<TimePoint, int>>> by_day;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [start, minutes] : free_[type])  // none in the past or inside the notice
      if (start >= *from && start < *to && !tooSoon(type, start) && !taken(type, start))
        by_day[switchboard::time::toLocal(start, zone).date].emplace_back(start, minutes);
  }
  json::Builder b;
  b.object().field("status", "success").key("data").object();
  for (const auto& [day, slots] : by_day) {
    b.key(day).array();
    for (const auto& [start, minutes] : slots)
      b.object()
          .field("start", localIso(start, zone))
          .field("end", localIso(start + std::chrono::minutes(minutes), zone))
          .end();
    b.end();
  }
  return Reply::json(200, b.end().end().str());
}

Reply FakeCalcom::create(const RecordedRequest& r) {
  if (auto no = refuse(r, "2024-08-13")) return *no;
  json::Document doc;
  try {
    doc = json::parse(r.body);
  } catch (const std::exception& e) {
    return error(400, "BadRequestException", e.what());
  }
  const auto v = doc.root();
  const auto start = switchboard::time::parseUtc(v.string("start").value_or(""));
  const auto type = v.integer("eventTypeId");
  const auto attendee = v["attendee"];
  if (!start || !type || !attendee.string("name") || !attendee.string("timeZone"))
    return error(400, "BadRequestException",
                 "start, eventTypeId, attendee.name and "
                 "attendee.timeZone are required");
  if (!attendee.string("email") && !attendee.string("phoneNumber"))
    return error(400, "BadRequestException", "attendee.email or attendee.phoneNumber required");
  if (*start <= std::chrono::system_clock::now())
    return error(400, "BadRequestException", "Attempting to book a meeting in the past.");
  const auto metadata = v["metadata"];
  if (metadata.keys().size() > 50)
    return error(400, "BadRequestException", "metadata: at most 50 keys");
  for (const auto& key : metadata.keys())
    if (key.size() > 40 || metadata.string(key).value_or("").size() > 500)
      return error(400, "BadRequestException",
                   "metadata: keys of at most 40 characters, values of at most 500");
  std::lock_guard lock(mutex_);
  if (tooSoon(*type, *start)) return tooSoonError();
  if (const auto length = v.integer("lengthInMinutes");
      length && !lengths_[*type].count(static_cast<int>(*length)))
    return error(400, "BadRequestException",
                 "Can't specify 'lengthInMinutes' because event type does not have multiple "
                 "possible lengths or the length is not one of them");
  const auto it = free_[*type].find(*start);
  if (it == free_[*type].end() || taken(*type, *start) || snatched_.count({*type, *start}))
    return error(400, "BadRequestException",
                 "User either already has booking at this time or is not available");
  Booking k;
  k.id = 90000 + static_cast<long long>(bookings_.size()) + 1;
  k.uid = "bk_fake_" + std::to_string(k.id);
  k.event_type = *type;
  k.start = *start;
  k.end = *start + std::chrono::minutes(v.integer("lengthInMinutes").value_or(it->second));
  k.body = r.body;
  for (const auto& key : v["metadata"].keys())
    if (auto s = v["metadata"].string(key)) k.metadata[key] = *s;
  bookings_.push_back(k);
  json::Builder b;
  b.object().field("status", "success").key("data");
  putBooking(b, k);
  return Reply::json(201, b.end().str());
}

Reply FakeCalcom::list(const RecordedRequest& r) {
  if (auto no = refuse(r, "2024-08-13")) return *no;
  std::lock_guard lock(mutex_);
  json::Builder b;
  b.object().field("status", "success").key("data").array();
  for (auto it = bookings_.rbegin(); it != bookings_.rend(); ++it) putBooking(b, *it);
  return Reply::json(200, b.end().end().str());
}

// POST /v2/bookings/{uid}/cancel {"cancellationReason"?} → 200; .../reschedule {"start",
// "reschedulingReason"?} → 201 with a new booking (new uid, rescheduledFromUid), the old one
// cancelled, as Cal.com does.
Reply FakeCalcom::change(const RecordedRequest& r) {
  if (auto no = refuse(r, "2024-08-13")) return *no;
  const std::string prefix = "/v2/bookings/";
  const auto slash = r.path.rfind('/');
  if (r.path.rfind(prefix, 0) != 0 || slash <= prefix.size())
    return error(404, "NotFoundException", "no route " + r.path);
  const auto uid = r.path.substr(prefix.size(), slash - prefix.size());
  const auto action = r.path.substr(slash + 1);
  if (action != "cancel" && action != "reschedule")
    return error(404, "NotFoundException", "no route " + r.path);
  std::optional<TimePoint> start;
  if (action == "reschedule") {
    try {
      start = switchboard::time::parseUtc(json::parse(r.body).root().string("start").value_or(""));
    } catch (const std::exception& e) {
      return error(400, "BadRequestException", e.what());
    }
    if (!start) return error(400, "BadRequestException", "start is required");
    if (*start <= std::chrono::system_clock::now())
      return error(400, "BadRequestException", "Attempting to book a meeting in the past.");
  }
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < bookings_.size(); ++i) {
    if (bookings_[i].uid != uid) continue;
    if (start && tooSoon(bookings_[i].event_type, *start)) return tooSoonError();
    if (action == "cancel") {
      bookings_[i].status = "cancelled";
      json::Builder b;
      b.object().field("status", "success").key("data");
      putBooking(b, bookings_[i]);
      return Reply::json(200, b.end().str());
    }
    if (bookings_[i].status == "cancelled")
      return error(400, "BadRequestException", "booking " + uid + " is cancelled");
    const auto it = free_[bookings_[i].event_type].find(*start);
    if (it == free_[bookings_[i].event_type].end() || taken(bookings_[i].event_type, *start))
      return error(400, "BadRequestException",
                   "User either already has booking at this time or is not available");
    const Booking k = replaceLocked(i, *start, it->second);
    json::Builder b;
    b.object().field("status", "success").key("data");
    putBooking(b, k);
    return Reply::json(201, b.end().str());
  }
  return error(404, "NotFoundException", "no booking " + uid);
}

Reply FakeCalcom::eventTypes(const RecordedRequest& r) {
  if (auto no = refuse(r, "2024-06-14")) return *no;
  if (r.path != "/v2/teams/" + std::to_string(team_) + "/event-types")
    return error(403, "ForbiddenException", "not a member of that team");
  json::Builder b;
  b.object().field("status", "success").key("data").array();
  for (const auto id : team_types_)
    b.object()
        .field("id", id)
        .field("title", "Event " + std::to_string(id))
        .field("lengthInMinutes", 30)
        .field("teamId", team_)
        .end();
  return Reply::json(200, b.end().end().str());
}

}  // namespace sbtest
