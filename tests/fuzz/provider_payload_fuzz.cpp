// libFuzzer target for what the provider routes do with a body before and after its signature
// (scripts/fuzz): the bounded scan that picks the signing key (verify), the bounded parse
// (identify), and each provider's translation into SDK types (process), for Retell's call
// webhooks and inbound call, Cal.com's booking webhooks, Twilio's form callbacks and
// Telegram's updates. The first byte chooses the route. Besides crashes, hangs and sanitizer
// reports it checks what the edges promise: no doubted value passes (negative costs, an end before
// the start, years outside 1970..2100), a report survives its JSON round trip, a checked Cal.com
// change is in order.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "calcom_signature.h"
#include "calcom_webhook.h"
#include "retell_call.h"
#include "retell_signature.h"
#include "switchboard/events/voice.h"
#include "switchboard/http.h"
#include "switchboard/json.h"
#include "switchboard/phone.h"
#include "switchboard/time.h"
#include "twilio_callbacks.h"
#include "twilio_signature.h"

namespace {

namespace json = switchboard::json;

void check(bool ok) {
  if (!ok) std::abort();
}

bool inRange(switchboard::TimePoint t) {
  return t >= *switchboard::time::parseUtc("1970-01-01T00:00:00Z") &&
         t <= *switchboard::time::parseUtc("2100-12-31T23:59:59Z");
}

void retellWebhook(const std::string& body) {
  json::scanStrings(
      body, {"call.direction", "call.from_number", "call.to_number", "call_inbound.to_number"});
  retell::checkSignature("v=1764233700000,d=00", body, "key", 1764233700000, 300000);
  const auto doc = json::parse(body);
  const auto call = doc.root()["call"];
  if (!call.isObject()) return;
  const auto c = retell::translateCall(call);
  for (const auto& charge : c.charges) check(charge.usd_micros >= 0);
  if (c.total_usd_micros) check(*c.total_usd_micros >= 0);
  check(c.duration_ms >= 0);
  if (c.started_at) check(inRange(*c.started_at));
  if (c.ended_at) check(inRange(*c.ended_at));
  if (c.started_at && c.ended_at) check(*c.ended_at >= *c.started_at);
  const switchboard::events::VoiceCallReport report{"ended", c};
  const auto again = switchboard::events::VoiceCallReport::fromJson(report.toJson());
  check(again.call.doubts == c.doubts && again.call.from_number == c.from_number);
  switchboard::phone::normalised(c.from_number);
}

void calcomWebhook(const std::string& body) {
  json::scanStrings(body, {"payload.metadata.switchboard_company"});
  calcom::validSignature("sha256=00", body, "secret");
  const auto doc = json::parse(body);
  const auto root = doc.root();
  calcom::identityOf(root);
  if (calcom::changeOf(root.requireString("triggerEvent")).empty()) return;
  calcom::checkChange(root);
  const auto change = calcom::changeFrom(root);
  if (change.change != "no_show") check(change.end >= change.start && inRange(change.start));
}

void twilioCallback(const std::string& body) {
  const auto form = switchboard::formDecode(body);
  twilio::validSignature("AAAA", "https://switchboard.example.com/webhooks/twilio/status?ref=1",
                         body, true, "token");
  const auto status = twilio::statusFrom(form);
  const auto received = twilio::receivedFrom(form);
  twilio::isOptOut(received.body, twilio::field(form, "OptOutType"));
  (void)status;
}

void telegramUpdate(const std::string& body) {
  const auto doc = json::parse(body);
  const auto message = doc.root()["message"];
  message.string("text");
  message["chat"].integer("id");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    switch (data[0] % 4) {
      case 0:
        retellWebhook(body);
        break;
      case 1:
        calcomWebhook(body);
        break;
      case 3:
        twilioCallback(body);
        break;
      default:
        telegramUpdate(body);
    }
  } catch (const std::invalid_argument&) {
    // Refused with a reason: a 400 (json::ParseError is one).
  }
  return 0;
}
