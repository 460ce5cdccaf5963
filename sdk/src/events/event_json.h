// The pieces every typed event's codec shares: references, times, required fields.
#pragma once

#include <string>

#include "switchboard/domain/external_ref.h"
#include "switchboard/json.h"
#include "switchboard/time.h"

namespace switchboard::events::detail {

inline void put(json::Builder& b, std::string_view key, const domain::ExternalRef& ref) {
  b.key(key).object().field("provider", ref.provider).field("id", ref.id).end();
}

inline void put(json::Builder& b, std::string_view key, TimePoint t) {
  b.field(key, time::formatUtc(t));
}

inline domain::ExternalRef ref(const json::View& v, std::string_view key) {
  const auto node = v[key];
  return {node.string("provider").value_or(""), node.string("id").value_or("")};
}

inline TimePoint when(const json::View& v, std::string_view key) {
  const auto text = v.requireString(key);
  const auto t = time::parseUtc(text);
  if (!t) throw std::invalid_argument("field '" + std::string(key) + "' is not a UTC time");
  return *t;
}

inline std::string text(const json::View& v, std::string_view key) {
  return v.string(key).value_or("");
}

}  // namespace switchboard::events::detail
