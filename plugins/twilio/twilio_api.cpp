#include "twilio_api.h"

#include <cmath>

#include "switchboard/bounded_text.h"
#include "switchboard/json.h"

namespace twilio {

namespace contracts = switchboard::contracts;
namespace json = switchboard::json;

constexpr std::size_t kMaxBodyChars = 1600;  // Twilio's limit for one message

bool permanentCode(int code) {
  // 21211 invalid To, 21408 region not permitted, 21610 opted out, 21612 unreachable via
  // this sender, 21614 not a mobile number, 21217 not a valid phone number, ... (Twilio
  // advises against hard-coding exact codes: the 21xxx family is the recipient's).
  return code >= 21200 && code < 21700 && code != 21606;  // 21606: our From cannot send
}

std::optional<switchboard::domain::Money> priceOf(const std::string& price,
                                                  const std::string& unit) {
  if (price.empty() || unit.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    const double value = std::fabs(std::stod(price, &used));
    // A message's price is cents: a figure past 1,000 units is no price (not stored as one).
    if (used != price.size() || !std::isfinite(value) || value > 1000) return std::nullopt;
    std::string currency = unit;
    for (auto& c : currency) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto exponent = switchboard::domain::currencyExponent(currency);
    if (!exponent) return std::nullopt;
    const auto minor = static_cast<std::int64_t>(std::llround(value * std::pow(10.0, *exponent)));
    return switchboard::domain::Money{minor, currency};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

TwilioSms::TwilioSms(switchboard::HttpClient& client, std::string base_url, SenderOf sender_of,
                     std::string status_callback)
    : client_(client),
      base_url_(std::move(base_url)),
      sender_of_(std::move(sender_of)),
      status_callback_(std::move(status_callback)) {}

contracts::SmsReceipt TwilioSms::send(const contracts::SmsMessage& m) {
  const auto sender = sender_of_(m.company);
  if (!sender.usable())
    throw contracts::SmsError(false, "config",
                              "no Twilio sender for company " + m.company +
                                  " (twilio.account_sid, auth_token and from or "
                                  "messaging_service_sid, in the catalog or the plugin config)");
  // Twilio refuses a body over 1,600 characters (error 21617): a longer one is cut, not lost.
  std::vector<std::pair<std::string, std::string>> fields{
      {"To", m.to}, {"Body", switchboard::text::cut(m.body, kMaxBodyChars)}};
  if (!sender.messaging_service_sid.empty())
    fields.emplace_back("MessagingServiceSid", sender.messaging_service_sid);
  else
    fields.emplace_back("From", sender.from);
  if (!status_callback_.empty()) {
    // Names the message and whose token signs its callbacks.
    std::string url = status_callback_ + "?ref=" + switchboard::percentEncode(m.reference);
    if (!sender.company.empty()) url += "&company=" + switchboard::percentEncode(sender.company);
    fields.emplace_back("StatusCallback", url);
  }
  switchboard::OutboundRequest r(
      "POST", base_url_ + "/2010-04-01/Accounts/" + sender.account_sid + "/Messages.json");
  r.form(fields);
  r.basicAuth(sender.account_sid, sender.auth_token);
  r.upstream = "twilio";
  r.tenant = m.company;
  // Twilio has no idempotency key for messages: the client repeats the POST on 429 and 5xx,
  // and after a timeout only once the message is not found at Twilio. The header stays unsent.
  r.idempotency_key = m.reference;
  r.idempotency_header = "";
  r.find_earlier = [this, &sender, &m] { return findSent(sender, m); };
  const auto resp = [&] {
    if (m.maybe_sent)
      if (auto earlier = findSent(sender, m)) return *earlier;
    return client_.send(r);
  }();
  if (resp.ok()) {
    const auto doc = json::parse(resp.body);
    const auto root = doc.root();
    return {{"twilio", root.requireString("sid")}, root.string("status").value_or("queued")};
  }
  std::string code = resp.status ? std::to_string(resp.status) : "unavailable";
  std::string message = resp.status == 0 ? (resp.circuit_open ? "breaker open" : resp.error)
                                         : resp.body.substr(0, 300);
  int twilio_code = 0;
  try {
    const auto doc = json::parse(resp.body);
    if (auto c = doc.root().integer("code")) {
      twilio_code = static_cast<int>(*c);
      code = std::to_string(*c);
    }
    if (auto text = doc.root().string("message")) message = *text;
  } catch (const std::exception&) {
  }
  const bool temporary = resp.status == 0 || resp.status == 429 || resp.status >= 500;
  throw contracts::SmsError(!temporary && permanentCode(twilio_code), code,
                            "Twilio answered " + std::to_string(resp.status) + ": " + message);
}

std::optional<switchboard::OutboundResponse> TwilioSms::findSent(const Sender& sender,
                                                                 const contracts::SmsMessage& m) {
  // Newest first; a message taken moments ago is on the first page.
  std::string url = base_url_ + "/2010-04-01/Accounts/" + sender.account_sid +
                    "/Messages.json?To=" + switchboard::percentEncode(m.to) + "&PageSize=50";
  if (sender.messaging_service_sid.empty())
    url += "&From=" + switchboard::percentEncode(sender.from);
  switchboard::OutboundRequest r("GET", url);
  r.basicAuth(sender.account_sid, sender.auth_token);
  r.upstream = "twilio";
  r.tenant = m.company;
  const auto resp = client_.send(r);
  // Unknown whether it was taken: the caller's job tries again later rather than risk a repeat.
  if (!resp.ok())
    throw contracts::SmsError(false, resp.status ? std::to_string(resp.status) : "unavailable",
                              "could not look up earlier messages at Twilio: " +
                                  (resp.status ? std::to_string(resp.status) : resp.error));
  const auto doc = json::parse(resp.body);
  for (const auto& message : doc.root()["messages"].items()) {
    if (message.string("body").value_or("") != switchboard::text::cut(m.body, kMaxBodyChars))
      continue;
    if (!sender.messaging_service_sid.empty() &&
        message.string("messaging_service_sid").value_or("") != sender.messaging_service_sid)
      continue;
    switchboard::OutboundResponse found;
    found.status = 200;
    json::Builder b;
    b.object()
        .field("sid", message.requireString("sid"))
        .field("status", message.string("status").value_or("queued"));
    found.body = b.end().str();
    return found;
  }
  return std::nullopt;
}

}  // namespace twilio
