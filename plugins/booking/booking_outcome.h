// What a booking attempt came to, between its upstream step (the calendar, no transaction)
// and its record step (one transaction); kept as the job's result JSON in between.
#pragma once

#include <string>
#include <vector>

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

  bool made() const { return status == "booked" || status == "alternative_booked"; }

  std::string toJson() const {
    namespace json = switchboard::json;
    namespace time = switchboard::time;
    json::Builder b;
    b.object().field("status", status).field("uid", uid);
    b.field("start", time::formatUtc(start)).field("end", time::formatUtc(end));
    b.field("reason", reason).key("offered").array();
    for (const auto& t : offered) b.value(time::formatUtc(t));
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
    return o;
  }
};

}  // namespace booking
