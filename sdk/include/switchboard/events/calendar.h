// What a calendar provider reports about a booking that changed on its side (Cal.com's
// webhooks): the booking feature keeps its appointments in step with it. A provider publishes
// it as `<provider>.booking_<change>` (calcom.booking_cancelled, ...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/clock.h"
#include "switchboard/domain/company.h"
#include "switchboard/domain/external_ref.h"

namespace switchboard::events {

struct CalendarChange {
  domain::CompanyId company;
  // created | rescheduled | cancelled | rejected | requested | ended | no_show
  std::string change;
  domain::ExternalRef booking;  // the booking as it is now (rescheduled: the new one)
  std::string previous_id;      // rescheduled: the booking it replaced
  std::string event_type;
  TimePoint start{}, end{};  // UTC
  std::string status;        // the provider's, lower case
  std::string reason;        // a cancellation's or rejection's
  bool no_show = false;      // no_show: the attendee did not come
  std::string attendee_name, attendee_email, attendee_phone;
  // What the booking carries: ours (our call and appointment ids) when we made it.
  std::vector<std::pair<std::string, std::string>> metadata;

  std::optional<std::string> meta(std::string_view key) const {
    for (const auto& [k, v] : metadata)
      if (k == key) return v;
    return std::nullopt;
  }
  std::string toJson() const;
  static CalendarChange fromJson(std::string_view json);
};

}  // namespace switchboard::events
