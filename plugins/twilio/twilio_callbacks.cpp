#include "twilio_callbacks.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "twilio_api.h"

namespace twilio {

namespace {

std::string keyword(const std::string& body) {
  std::string k;
  for (const char c : body)
    if (!std::isspace(static_cast<unsigned char>(c)) && c != '.' && c != '!')
      k += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return k;
}

}  // namespace

std::string field(const Params& form, const std::string& name) {
  for (const auto& [k, v] : form)
    if (k == name) return v;
  return {};
}

bool isOptOut(const std::string& body, const std::string& opt_out_type) {
  if (opt_out_type == "STOP") return true;
  static const std::array<const char*, 8> words{"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL",
                                                "END",  "QUIT",    "STOPP",       "ABMELDEN"};
  const auto k = keyword(body);
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return k == w; });
}

bool isOptIn(const std::string& body, const std::string& opt_out_type) {
  if (opt_out_type == "START") return true;
  const auto k = keyword(body);
  return k == "START" || k == "UNSTOP" || k == "YES";
}

switchboard::events::SmsStatus statusFrom(const Params& form) {
  switchboard::events::SmsStatus s;
  s.message = {"twilio", field(form, "MessageSid")};
  if (s.message.id.empty()) s.message.id = field(form, "SmsSid");
  s.status = field(form, "MessageStatus");
  if (s.status.empty()) s.status = field(form, "SmsStatus");
  s.error_code = field(form, "ErrorCode");
  s.to = field(form, "To");
  s.from = field(form, "From");
  s.price = priceOf(field(form, "Price"), field(form, "PriceUnit"));
  return s;
}

switchboard::events::SmsReceived receivedFrom(const Params& form) {
  switchboard::events::SmsReceived r;
  r.message = {"twilio", field(form, "MessageSid")};
  r.from = field(form, "From");
  r.to = field(form, "To");
  r.body = field(form, "Body");
  const auto type = field(form, "OptOutType");
  r.opt_out = isOptOut(r.body, type);
  r.opt_in = !r.opt_out && isOptIn(r.body, type);
  return r;
}

}  // namespace twilio
