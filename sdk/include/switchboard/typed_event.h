// Typed events: a struct per topic with its topic name and a JSON codec, so a subscriber reads
// fields, not strings. A payload struct T has
//   static constexpr const char* kTopic;
//   std::string toJson() const;
//   static T fromJson(std::string_view json);   // throws std::invalid_argument
// Topics say what happened in our domain (`booking.appointment_booked`), not which provider
// it came through. Fields are only ever added: a subscriber built against an older struct
// ignores what it does not know.
#pragma once

#include <stdexcept>
#include <string>

#include "switchboard/events.h"

namespace switchboard {

template <class T>
std::string publish(EventBus& bus, const T& payload, const std::string& tenant) {
  Event event;
  event.topic = T::kTopic;
  event.payload = payload.toJson();
  event.tenant = tenant;
  return bus.publish(std::move(event));
}

template <class T>
T decode(const Event& event) {
  if (event.topic != T::kTopic)
    throw std::invalid_argument("event " + event.id + " is " + event.topic + ", not " + T::kTopic);
  return T::fromJson(event.payload);
}

}  // namespace switchboard
