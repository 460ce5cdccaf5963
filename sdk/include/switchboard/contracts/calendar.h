// The calendar contract: what the booking feature needs from a calendar provider (Cal.com
// today). Swapping calendars is a new plugin that provides this and a YAML change.
// Calls are made per company (its own credentials and breaker); they block on the network, so
// call them from a job (switchboard/inbox.h, UpstreamCallJob), never inside a transaction.
#pragma once

#include <boost/config.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "switchboard/clock.h"
#include "switchboard/domain/company.h"
#include "switchboard/domain/external_ref.h"

namespace switchboard::contracts {

struct EventType {
  std::string id;  // the provider's event type id
  std::string title;
  int duration_minutes = 0;
  std::string owner;  // team or user that owns it at the provider; empty when unknown
};

struct Slot {
  TimePoint start{};  // UTC
  int duration_minutes = 0;
  std::string staff;  // the provider's host/staff reference, when it says
};

struct SlotQuery {
  domain::CompanyId company;
  std::string event_type;
  TimePoint from{}, to{};  // the whole search window, in one request
  std::string time_zone;   // IANA zone the provider should think in (the branch's)
};

struct Attendee {
  std::string name;
  std::string phone;  // E.164
  std::string email;  // may be empty
  std::string language;
  std::string time_zone;
};

struct BookingRequest {
  domain::CompanyId company;
  std::string event_type;
  TimePoint start{};
  // 0: the event type's length. Set for a composite service's part (the event type must
  // allow that length at the provider, e.g. Cal.com's multiple durations).
  int length_minutes = 0;
  Attendee attendee;
  // Travels with the booking and comes back in the provider's webhooks: our ids (call,
  // appointment), by which a booking we made is recognised and a repeat is found.
  std::vector<std::pair<std::string, std::string>> metadata;
  std::string reference;  // our idempotency reference (the intent's key): findBooking() finds it
};

struct Booking {
  domain::ExternalRef ref;
  TimePoint start{}, end{};
  std::string status;  // accepted | pending | cancelled | rejected
  std::vector<std::pair<std::string, std::string>> metadata;
};

// Why a calendar call failed, in the feature's terms.
class BOOST_SYMBOL_VISIBLE CalendarError : public std::runtime_error {
 public:
  enum class Kind {
    SlotTaken,    // someone else got it first: look for an alternative
    Refused,      // the request is wrong (foreign event type, bad attendee): do not retry
    Unavailable,  // the provider is down, rate-limited or the breaker is open: retry later
    NotFound,
  };
  CalendarError(Kind kind, const std::string& message,
                std::optional<std::chrono::milliseconds> retry_after = std::nullopt)
      : std::runtime_error(message), kind_(kind), retry_after_(retry_after) {}
  ~CalendarError() override;
  Kind kind() const { return kind_; }
  std::optional<std::chrono::milliseconds> retryAfter() const { return retry_after_; }

 private:
  Kind kind_;
  std::optional<std::chrono::milliseconds> retry_after_;
};

class BOOST_SYMBOL_VISIBLE Calendar {
 public:
  static constexpr const char* kServiceName = "contract.calendar";
  virtual ~Calendar();

  virtual std::vector<EventType> eventTypes(const domain::CompanyId& company) = 0;
  virtual std::vector<Slot> slots(const SlotQuery& query) = 0;
  virtual Booking book(const BookingRequest& request) = 0;
  // The booking made with `reference`, if any (how a retried booking finds its first try).
  virtual std::optional<Booking> findBooking(const domain::CompanyId& company,
                                             const std::string& reference) = 0;
  virtual void cancel(const domain::CompanyId& company, const domain::ExternalRef& booking,
                      const std::string& reason) = 0;
  virtual Booking reschedule(const domain::CompanyId& company, const domain::ExternalRef& booking,
                             TimePoint new_start, const std::string& reason) = 0;
};

}  // namespace switchboard::contracts
