#include "switchboard/events/voice.h"

#include "event_json.h"

namespace switchboard::events {

using detail::put;
using detail::ref;
using detail::text;

namespace {

void putOptionalTime(json::Builder& b, std::string_view key, const std::optional<TimePoint>& t) {
  if (t)
    put(b, key, *t);
  else
    b.key(key).null();
}

std::optional<TimePoint> optionalTime(const json::View& v, std::string_view key) {
  const auto s = v.string(key);
  if (!s) return std::nullopt;
  const auto t = time::parseUtc(*s);
  if (!t) throw std::invalid_argument("field '" + std::string(key) + "' is not a UTC time");
  return t;
}

}  // namespace

std::string VoiceCallReport::toJson() const {
  const auto& c = call;
  json::Builder b;
  b.object().field("stage", stage).key("call").object();
  put(b, "ref", c.ref);
  b.field("agent", c.agent)
      .field("call_type", c.call_type)
      .field("direction", c.direction)
      .field("from_number", c.from_number)
      .field("to_number", c.to_number)
      .field("status", c.status);
  putOptionalTime(b, "started_at", c.started_at);
  putOptionalTime(b, "ended_at", c.ended_at);
  b.field("duration_ms", c.duration_ms)
      .field("disconnection_reason", c.disconnection_reason)
      .field("transcript", c.transcript)
      .key("turns")
      .array();
  for (const auto& t : c.turns) b.object().field("role", t.role).field("content", t.content).end();
  b.end()
      .field("analyzed", c.analyzed)
      .field("summary", c.summary)
      .field("sentiment", c.sentiment)
      .key("analysis");
  c.analysis_json.empty() ? b.null() : b.raw(c.analysis_json);
  b.field("successful", c.successful).field("in_voicemail", c.in_voicemail).key("charges").array();
  for (const auto& ch : c.charges)
    b.object().field("product", ch.product).field("usd_micros", ch.usd_micros).end();
  b.end()
      .field("total_usd_micros", c.total_usd_micros)
      .field("telephony_id", c.telephony_id)
      .key("metadata");
  c.metadata_json.empty() ? b.null() : b.raw(c.metadata_json);
  b.key("doubts").array();
  for (const auto& d : c.doubts) b.value(d);
  return b.end().end().end().str();
}

VoiceCallReport VoiceCallReport::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto root = doc.root();
  VoiceCallReport r;
  r.stage = root.requireString("stage");
  const auto v = root["call"];
  if (!v.isObject()) throw std::invalid_argument("missing object field 'call'");
  auto& c = r.call;
  c.ref = ref(v, "ref");
  if (c.ref.id.empty()) throw std::invalid_argument("missing field 'call.ref.id'");
  c.agent = text(v, "agent");
  c.call_type = text(v, "call_type");
  c.direction = text(v, "direction");
  c.from_number = text(v, "from_number");
  c.to_number = text(v, "to_number");
  c.status = text(v, "status");
  c.started_at = optionalTime(v, "started_at");
  c.ended_at = optionalTime(v, "ended_at");
  c.duration_ms = v.integer("duration_ms").value_or(0);
  c.disconnection_reason = text(v, "disconnection_reason");
  c.transcript = text(v, "transcript");
  for (const auto& t : v["turns"].items()) c.turns.push_back({text(t, "role"), text(t, "content")});
  c.analyzed = v.boolean("analyzed").value_or(false);
  c.summary = text(v, "summary");
  c.sentiment = text(v, "sentiment");
  if (v["analysis"].isObject()) c.analysis_json = v["analysis"].text();
  c.successful = v.boolean("successful");
  c.in_voicemail = v.boolean("in_voicemail");
  for (const auto& ch : v["charges"].items())
    c.charges.push_back({text(ch, "product"), ch.integer("usd_micros").value_or(0)});
  c.total_usd_micros = v.integer("total_usd_micros");
  c.telephony_id = text(v, "telephony_id");
  if (v["metadata"].isObject()) c.metadata_json = v["metadata"].text();
  for (const auto& d : v["doubts"].items())
    if (auto text = d.asString()) c.doubts.push_back(*text);
  return r;
}

}  // namespace switchboard::events
