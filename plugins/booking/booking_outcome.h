// What a booking attempt came to, between its upstream step (the calendar, no transaction)
// and its record step (one transaction); kept as the job's result JSON in between.
#pragma once

#include <string>
#include <vector>

#include "composite_booking.h"
#include "switchboard/clock.h"
#include "switchboard/json.h"
#include "switchboard/time.h"

namespace booking {

struct Outcome {
  std::string status;  // booked | alternative_booked | offered | failed
  std::string uid;     // the calendar's booking
  switchboard::TimePoint start{}, end{};
  std::string reason;
  std::vector<switchboard::TimePoint> offered;
  // A composite service's parts, in order (uid/start/end above are the group's: the first
  // part's booking, the first start, the last end). Empty for a simple service.
  std::vector<MadePart> parts;

  // Booked: the group from its parts (a simple service: the one booking).
  void take(const std::vector<MadePart>& made) {
    uid = made.front().uid;
    start = made.front().start;
    end = made.back().end;
    parts = made.size() > 1 || !made.front().part.segment.empty() ? made : std::vector<MadePart>{};
  }

  bool made() const { return status == "booked" || status == "alternative_booked"; }

  std::string toJson() const {
    namespace json = switchboard::json;
    namespace time = switchboard::time;
    json::Builder b;
    b.object().field("status", status).field("uid", uid);
    b.field("start", time::formatUtc(start)).field("end", time::formatUtc(end));
    b.field("reason", reason).key("offered").array();
    for (const auto& t : offered) b.value(time::formatUtc(t));
    b.end().key("parts").array();
    for (const auto& m : parts)
      b.object()
          .field("segment", m.part.segment)
          .field("offset_minutes", m.part.offset_minutes)
          .field("minutes", m.part.minutes)
          .field("staff_busy", m.part.staff_busy)
          .field("uid", m.uid)
          .field("start", time::formatUtc(m.start))
          .field("end", time::formatUtc(m.end))
          .end();
    return b.end().end().str();
  }
  static Outcome fromJson(const std::string& text) {
    namespace json = switchboard::json;
    namespace time = switchboard::time;
    const auto doc = json::parse(text);
    const auto v = doc.root();
    Outcome o;
    o.status = v.requireString("status");
    o.uid = v.string("uid").value_or("");
    o.start = time::parseUtc(v.string("start").value_or("")).value_or(switchboard::TimePoint{});
    o.end = time::parseUtc(v.string("end").value_or("")).value_or(switchboard::TimePoint{});
    o.reason = v.string("reason").value_or("");
    for (const auto& t : v["offered"].items())
      if (auto p = time::parseUtc(t.asString().value_or(""))) o.offered.push_back(*p);
    for (const auto& m : v["parts"].items()) {
      MadePart made;
      made.part = {m.string("segment").value_or(""),
                   static_cast<int>(m.integer("offset_minutes").value_or(0)),
                   static_cast<int>(m.integer("minutes").value_or(0)),
                   m.boolean("staff_busy").value_or(true)};
      made.uid = m.string("uid").value_or("");
      made.start =
          time::parseUtc(m.string("start").value_or("")).value_or(switchboard::TimePoint{});
      made.end = time::parseUtc(m.string("end").value_or("")).value_or(switchboard::TimePoint{});
      o.parts.push_back(std::move(made));
    }
    return o;
  }
};

}  // namespace booking
