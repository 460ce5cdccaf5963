#include "composite_booking.h"

#include <algorithm>
#include <set>

namespace booking {

namespace contracts = switchboard::contracts;
using switchboard::TimePoint;

std::vector<Part> partsOf(const switchboard::domain::Service& service) {
  if (service.segments.empty()) return {{"", 0, service.duration_minutes, true}};
  std::vector<Part> parts;
  int offset = 0;
  for (const auto& s : service.segments) {
    parts.push_back({s.name, offset, s.duration_minutes, s.staff_busy});
    offset += s.duration_minutes;
  }
  return parts;
}

bool isComposite(const std::vector<Part>& parts) {
  return parts.size() > 1 || (!parts.empty() && !parts.front().segment.empty());
}

std::vector<contracts::Slot> startsWhereAllFit(const std::vector<contracts::Slot>& free,
                                               const std::vector<Part>& parts) {
  if (!isComposite(parts)) return free;
  std::set<TimePoint> starts;
  for (const auto& s : free) starts.insert(s.start);
  int total = 0;
  for (const auto& p : parts) total = std::max(total, p.offset_minutes + p.minutes);
  std::vector<contracts::Slot> out;
  for (const auto& s : free) {
    bool fits = true;
    for (const auto& p : parts)
      if (p.staff_busy && !starts.count(s.start + std::chrono::minutes(p.offset_minutes)))
        fits = false;
    if (fits) out.push_back({s.start, total, s.staff});
  }
  return out;
}

namespace {

std::string partReference(const std::string& reference, const std::vector<Part>& parts,
                          std::size_t i) {
  return isComposite(parts) ? reference + ":" + std::to_string(i) : reference;
}

void cancelMade(contracts::Calendar& calendar, const switchboard::domain::CompanyId& company,
                const std::vector<MadePart>& made,
                const std::function<void(const std::string&)>& note) {
  for (const auto& m : made) {
    if (m.uid.empty()) continue;
    calendar.cancel(company, {"calcom", m.uid}, "another part of the appointment group failed");
    if (note) note("cancelled part " + m.part.segment + " (" + m.uid + ")");
  }
}

}  // namespace

std::vector<MadePart> bookParts(contracts::Calendar& calendar, contracts::BookingRequest base,
                                const std::vector<Part>& parts, TimePoint start,
                                const std::function<void(const std::string&)>& note) {
  const auto reference = base.reference;
  const bool composite = isComposite(parts);
  std::vector<MadePart> made;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& p = parts[i];
    MadePart m{p, "", start + std::chrono::minutes(p.offset_minutes),
               start + std::chrono::minutes(p.offset_minutes + p.minutes)};
    if (p.staff_busy) {
      base.start = m.start;
      base.reference = partReference(reference, parts, i);
      if (composite) base.length_minutes = p.minutes;
      try {
        const auto b = calendar.book(base);
        m.uid = b.ref.id;
        m.start = b.start;
        m.end = b.end;
      } catch (const contracts::CalendarError&) {
        cancelMade(calendar, base.company, made, note);
        throw;
      }
    }
    made.push_back(std::move(m));
  }
  return made;
}

std::optional<std::vector<MadePart>> findParts(contracts::Calendar& calendar,
                                               const switchboard::domain::CompanyId& company,
                                               const std::string& reference,
                                               const std::vector<Part>& parts) {
  std::vector<MadePart> found;
  bool missing = false;
  std::optional<TimePoint> group_start;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& p = parts[i];
    if (!p.staff_busy) {
      found.push_back({p, "", {}, {}});
      continue;
    }
    auto b = calendar.findBooking(company, partReference(reference, parts, i));
    if (!b || b->status == "cancelled" || b->status == "rejected") {
      missing = true;
      continue;
    }
    if (!group_start) group_start = b->start - std::chrono::minutes(p.offset_minutes);
    found.push_back({p, b->ref.id, b->start, b->end});
  }
  if (!group_start) return std::nullopt;  // nothing was made
  if (missing) {
    std::vector<MadePart> made;
    for (const auto& m : found)
      if (!m.uid.empty()) made.push_back(m);
    cancelMade(calendar, company, made, {});
    return std::nullopt;
  }
  for (auto& m : found)
    if (m.uid.empty()) {
      m.start = *group_start + std::chrono::minutes(m.part.offset_minutes);
      m.end = m.start + std::chrono::minutes(m.part.minutes);
    }
  return found;
}

}  // namespace booking
