// A service as the parts the calendar books. A simple service is one part; a composite one
// (segments in the catalog: colour on, wait, wash out) is its segments back to back, booked as
// one appointment group: every part whose staff is busy is a calendar booking of its own; a
// part with staff_busy: false is ours only (the client waits, the staff is free to book).
// All or nothing: when a part cannot be booked, the parts already made are cancelled.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "switchboard/contracts/calendar.h"
#include "switchboard/domain/catalog.h"

namespace booking {

struct Part {
  std::string segment;  // the segment's name; empty for a simple service
  int offset_minutes = 0;
  int minutes = 0;
  bool staff_busy = true;
};

struct MadePart {
  Part part;
  std::string uid;  // the calendar's booking; empty for a part the staff is free in
  switchboard::TimePoint start{}, end{};
};

std::vector<Part> partsOf(const switchboard::domain::Service& service);
bool isComposite(const std::vector<Part>& parts);

// The free starts at which every staff-busy part finds a free slot at its offset.
std::vector<switchboard::contracts::Slot> startsWhereAllFit(
    const std::vector<switchboard::contracts::Slot>& free, const std::vector<Part>& parts);

// Books the parts from `start` in order (`base` names the event type, attendee and metadata;
// each part's reference is base.reference + ":" + its index for a composite service). On a
// failure the parts made are cancelled (`cancelled` reports each, for the log) and the
// CalendarError is rethrown.
std::vector<MadePart> bookParts(switchboard::contracts::Calendar& calendar,
                                switchboard::contracts::BookingRequest base,
                                const std::vector<Part>& parts, switchboard::TimePoint start,
                                const std::function<void(const std::string&)>& note = {});

// A repeat's look for what an earlier try made: all the staff-busy parts (then they stand),
// or nothing (then it books again). A partial group is cancelled first, as a failure would.
std::optional<std::vector<MadePart>> findParts(switchboard::contracts::Calendar& calendar,
                                               const switchboard::domain::CompanyId& company,
                                               const std::string& reference,
                                               const std::vector<Part>& parts);

}  // namespace booking
