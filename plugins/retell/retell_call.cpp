#include "retell_call.h"

#include <cmath>

#include "switchboard/clock.h"

namespace retell {

namespace {

// Bounds on what Retell reports, beyond which a value is doubted and left out: times within
// 1970..2100 (milliseconds since the epoch), costs from 0 to $1,000 a call (in cents), a call
// shorter than a day.
constexpr double kLastMs = 4133980799999.0;  // 2100-12-31T23:59:59.999Z
constexpr double kMostCents = 100000.0;
constexpr double kMostDurationMs = 24.0 * 3600 * 1000;

std::optional<switchboard::TimePoint> msTime(const switchboard::json::View& v, std::string_view key,
                                             std::vector<std::string>& doubts) {
  const auto n = v.number(key);
  if (!n || *n == 0) return std::nullopt;
  if (!(*n > 0 && *n <= kLastMs)) {
    doubts.push_back(std::string(key) + " is not a time between 1970 and 2100");
    return std::nullopt;
  }
  return switchboard::TimePoint(std::chrono::milliseconds(static_cast<std::int64_t>(*n)));
}

// Retell reports costs in cents with fractions (17.5): kept exact as millionths of a dollar.
// nullopt for a cost that cannot be one (negative, not finite, over $1,000), said in `doubts`.
std::optional<std::int64_t> centsToMicros(double cents, const std::string& what,
                                          std::vector<std::string>& doubts) {
  if (!(cents >= 0 && cents <= kMostCents)) {
    doubts.push_back(what + " is not a cost between 0 and 100,000 cents");
    return std::nullopt;
  }
  return std::llround(cents * 10000.0);
}

}  // namespace

switchboard::contracts::PlatformCall translateCall(const switchboard::json::View& v) {
  switchboard::contracts::PlatformCall c;
  c.ref = {kProvider, v.requireString("call_id")};
  c.agent = v.string("agent_id").value_or("");
  c.call_type = v.string("call_type").value_or("");
  c.direction = v.string("direction").value_or("");
  c.from_number = v.string("from_number").value_or("");
  c.to_number = v.string("to_number").value_or("");
  c.status = v.string("call_status").value_or("");
  c.started_at = msTime(v, "start_timestamp", c.doubts);
  c.ended_at = msTime(v, "end_timestamp", c.doubts);
  if (c.started_at && c.ended_at && *c.ended_at < *c.started_at) {
    c.doubts.push_back("end_timestamp is before start_timestamp");
    c.ended_at.reset();
  }
  const double duration = v.number("duration_ms").value_or(0);
  if (duration >= 0 && duration <= kMostDurationMs)
    c.duration_ms = static_cast<std::int64_t>(duration);
  else
    c.doubts.push_back("duration_ms is not a duration between 0 and a day");
  if (c.duration_ms == 0 && c.started_at && c.ended_at)
    c.duration_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(*c.ended_at - *c.started_at).count();
  c.disconnection_reason = v.string("disconnection_reason").value_or("");
  c.transcript = v.string("transcript").value_or("");
  for (const auto& t : v["transcript_object"].items()) {
    const auto role = t.string("role").value_or("");
    c.turns.push_back(
        {role == "user" || role == "agent" ? role : "other", t.string("content").value_or("")});
  }
  if (const auto a = v["call_analysis"]; a.isObject()) {
    c.analyzed = true;
    c.summary = a.string("call_summary").value_or("");
    c.sentiment = a.string("user_sentiment").value_or("");
    c.successful = a.boolean("call_successful");
    c.in_voicemail = a.boolean("in_voicemail");
    if (a["custom_analysis_data"].isObject()) c.analysis_json = a["custom_analysis_data"].text();
  }
  if (const auto cost = v["call_cost"]; cost.isObject()) {
    for (const auto& p : cost["product_costs"].items()) {
      const auto product = p.string("product").value_or("unknown");
      if (const auto micros =
              centsToMicros(p.number("cost").value_or(0), "call_cost of " + product, c.doubts))
        c.charges.push_back({product, *micros});
    }
    if (const auto total = cost.number("combined_cost"))
      c.total_usd_micros = centsToMicros(*total, "call_cost.combined_cost", c.doubts);
  }
  c.telephony_id = v["telephony_identifier"].string("twilio_call_sid").value_or("");
  if (v["metadata"].isObject()) c.metadata_json = v["metadata"].text();
  return c;
}

std::string stageOf(const std::string& event) {
  if (event == "call_started") return "started";
  if (event == "call_ended") return "ended";
  if (event == "call_analyzed") return "analyzed";
  if (event == "transcript_updated") return "transcript";
  return "";
}

}  // namespace retell
