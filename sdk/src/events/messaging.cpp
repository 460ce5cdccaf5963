#include "switchboard/events/messaging.h"

#include "event_json.h"

namespace switchboard::events {

using detail::put;
using detail::ref;
using detail::text;
using detail::when;

std::string SmsStatus::toJson() const {
  json::Builder b;
  b.object().field("company", company);
  put(b, "message", message);
  b.field("reference", reference)
      .field("status", status)
      .field("error_code", error_code)
      .field("to", to)
      .field("from", from);
  if (price)
    b.key("price").object().field("minor", price->minor).field("currency", price->currency).end();
  put(b, "at", at);
  return b.end().str();
}

SmsStatus SmsStatus::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto v = doc.root();
  SmsStatus s{text(v, "company"), ref(v, "message"),     text(v, "reference"),
              text(v, "status"),  text(v, "error_code"), text(v, "to"),
              text(v, "from"),    std::nullopt,          when(v, "at")};
  if (v["price"].exists())
    s.price = domain::Money{v["price"].integer("minor").value_or(0),
                            v["price"].string("currency").value_or("")};
  return s;
}

std::string SmsReceived::toJson() const {
  json::Builder b;
  b.object().field("company", company);
  put(b, "message", message);
  b.field("from", from)
      .field("to", to)
      .field("body", body)
      .field("opt_out", opt_out)
      .field("opt_in", opt_in);
  put(b, "at", at);
  return b.end().str();
}

SmsReceived SmsReceived::fromJson(std::string_view j) {
  const auto doc = json::parse(j);
  const auto v = doc.root();
  return {text(v, "company"),
          ref(v, "message"),
          text(v, "from"),
          text(v, "to"),
          text(v, "body"),
          v.boolean("opt_out").value_or(false),
          v.boolean("opt_in").value_or(false),
          when(v, "at")};
}

}  // namespace switchboard::events
