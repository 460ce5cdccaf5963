#include "call_record.h"

#include <map>
#include <sstream>

namespace calls {

using switchboard::domain::Call;
using switchboard::events::CallCompleted;

int statusRank(const std::string& status) {
  if (status == "ongoing") return 1;
  if (status == "ended" || status == "not_connected" || status == "error") return 2;
  if (status == "analyzed") return 3;
  return 0;  // registered, ''
}

namespace {

std::string statusFor(const switchboard::events::VoiceCallReport& r) {
  if (r.stage == "analyzed") return "analyzed";
  if (r.stage == "ended")
    return r.call.status == "not_connected" || r.call.status == "error" ? r.call.status : "ended";
  return "ongoing";  // started, transcript
}

template <class T>
void take(T& field, const T& value) {
  if (!value.empty()) field = value;
}

}  // namespace

void mergeReport(Call& call, const switchboard::events::VoiceCallReport& report,
                 switchboard::TimePoint now) {
  const auto& c = report.call;
  call.ref = c.ref;
  take(call.agent_id, c.agent);
  take(call.direction, c.direction);
  take(call.from_number, c.from_number);
  take(call.to_number, c.to_number);
  if (c.started_at) call.started_at = c.started_at;
  if (c.ended_at) call.ended_at = c.ended_at;
  if (c.duration_ms > 0) call.duration_seconds = static_cast<int>((c.duration_ms + 500) / 1000);
  take(call.disconnection_reason, c.disconnection_reason);
  // A live transcript only while the call is live; the final one from ended/analyzed.
  if (report.stage == "transcript") {
    // Updates may be processed out of order: a transcript only grows, so the longest is latest.
    if (statusRank(call.status) < 2 && c.transcript.size() >= call.transcript.size())
      take(call.transcript, c.transcript);
  } else if (report.stage != "started") {
    take(call.transcript, c.transcript);
  }
  if (c.analyzed) {
    take(call.summary, c.summary);
    take(call.sentiment, c.sentiment);
    take(call.analysis_json, c.analysis_json);
    if (!call.analyzed_at) call.analyzed_at = now;
  }
  // What the provider doubted is left out; the call goes to a person.
  for (const auto& doubt : c.doubts) {
    call.flagged = true;
    const std::string reason = "provider data doubted: " + doubt;
    if (call.flag_reason.find(reason) == std::string::npos)
      call.flag_reason += (call.flag_reason.empty() ? "" : "; ") + reason;
  }
  const auto status = statusFor(report);
  // not_connected/error are ends too; keep the first end's word unless the call is analysed.
  if (statusRank(status) > statusRank(call.status)) call.status = status;
  if (call.status.empty()) call.status = "registered";
}

std::vector<std::string> userTurns(const switchboard::contracts::PlatformCall& call,
                                   const std::string& stored_transcript) {
  std::vector<std::string> out;
  for (const auto& t : call.turns)
    if (t.role == "user") out.push_back(t.content);
  if (!out.empty()) return out;
  std::istringstream lines(call.transcript.empty() ? stored_transcript : call.transcript);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("User:", 0) == 0) out.push_back(line.substr(5));
  return out;
}

namespace {

std::int64_t microsToCents(std::int64_t micros) {
  return (micros + 5000) / 10000;
}

std::string platformOf(const std::string& product) {
  if (product.rfind("retell", 0) == 0) return "retell";
  if (product.rfind("twilio", 0) == 0) return "twilio";
  return product;
}

}  // namespace

std::vector<CallCompleted::Cost> callCosts(const switchboard::contracts::PlatformCall& call,
                                           int duration_seconds, const CostRates& rates) {
  std::map<std::string, std::int64_t> reported;
  for (const auto& ch : call.charges) reported[platformOf(ch.product)] += ch.usd_micros;
  if (reported.empty() && call.total_usd_micros) reported["retell"] = *call.total_usd_micros;
  std::vector<CallCompleted::Cost> out;
  for (const auto& [platform, micros] : reported)
    out.push_back({platform, {microsToCents(micros), "USD"}, "reported"});
  if (!reported.count("retell") && rates.retell_usd_micros_per_minute > 0 && duration_seconds > 0)
    out.push_back(
        {"retell",
         {microsToCents(rates.retell_usd_micros_per_minute * duration_seconds / 60), "USD"},
         "rate"});
  if (!reported.count("twilio") && rates.twilio_usd_micros_per_minute > 0 && duration_seconds > 0 &&
      call.call_type != "web_call") {
    const std::int64_t minutes = (duration_seconds + 59) / 60;
    out.push_back(
        {"twilio", {microsToCents(rates.twilio_usd_micros_per_minute * minutes), "USD"}, "rate"});
  }
  return out;
}

std::string journeyOf(const std::vector<switchboard::domain::Appointment>& appointments,
                      switchboard::TimePoint now) {
  int came = 0;
  bool ahead = false;
  for (const auto& a : appointments) {
    if (a.status == "cancelled" || a.status == "no_show" || a.status == "rescheduled") continue;
    if (a.starts_at <= now)
      ++came;
    else
      ahead = true;
  }
  if (came >= 3) return "regular";
  if (came >= 1) return "customer";
  return ahead ? "booked" : "lead";
}

std::optional<std::int64_t> parseUsdMicros(const std::string& text) {
  std::int64_t whole = 0, frac = 0;
  int digits = 0;
  bool dot = false, any = false;
  for (char ch : text) {
    if (ch == '.' && !dot) {
      dot = true;
    } else if (ch >= '0' && ch <= '9') {
      any = true;
      if (!dot) {
        whole = whole * 10 + (ch - '0');
        if (whole > 1000000) return std::nullopt;
      } else if (digits < 6) {
        frac = frac * 10 + (ch - '0');
        ++digits;
      } else {
        return std::nullopt;
      }
    } else {
      return std::nullopt;
    }
  }
  if (!any) return std::nullopt;
  while (digits++ < 6) frac *= 10;
  return whole * 1000000 + frac;
}

}  // namespace calls
