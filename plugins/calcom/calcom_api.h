// Cal.com API v2 (PROVIDERS.md) behind the SDK's Calendar contract. Every request carries the
// company's key and the cal-api-version its endpoint needs; the SDK's outbound client retries
// 429 (honouring Retry-After) and 5xx, and keeps a breaker per company.
//
// Team ownership (the old ADR-004): a company with a Cal.com team books only the team's event
// types. The team's list is cached for `event_types_ttl` and fetched again on a miss; an event
// type outside it is refused (CalendarError::Refused), never booked.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "rate_limit.h"
#include "switchboard/contracts/calendar.h"
#include "switchboard/http_client.h"
#include "switchboard/json.h"

namespace calcom {

// What a company brings to Cal.com, from its catalog.
struct Account {
  std::string api_key;
  std::optional<std::int64_t> team_id;
};

// The metadata key our bookings carry their idempotency reference in.
inline constexpr const char* kReferenceKey = "switchboard_ref";

class CalcomApi final : public switchboard::contracts::Calendar {
 public:
  using AccountOf = std::function<Account(const switchboard::domain::CompanyId&)>;
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `requests_per_minute`: per key, counted here before sending (0: no limit of ours).
  CalcomApi(switchboard::HttpClient& client, std::string base_url, AccountOf account_of,
            std::chrono::milliseconds event_types_ttl, std::size_t requests_per_minute = 120);

  std::vector<switchboard::contracts::EventType> eventTypes(
      const switchboard::domain::CompanyId& company) override;
  std::vector<switchboard::contracts::Slot> slots(
      const switchboard::contracts::SlotQuery& query) override;
  switchboard::contracts::Booking book(
      const switchboard::contracts::BookingRequest& request) override;
  std::optional<switchboard::contracts::Booking> findBooking(
      const switchboard::domain::CompanyId& company, const std::string& reference) override;
  void cancel(const switchboard::domain::CompanyId& company,
              const switchboard::domain::ExternalRef& booking, const std::string& reason) override;
  switchboard::contracts::Booking reschedule(const switchboard::domain::CompanyId& company,
                                             const switchboard::domain::ExternalRef& booking,
                                             switchboard::TimePoint new_start,
                                             const std::string& reason) override;

  // The team's event types fetched now (no cache), for `calcom verify`.
  std::vector<switchboard::contracts::EventType> fetchEventTypes(
      const switchboard::domain::CompanyId& company);
  // Throws CalendarError::Refused when the company has a team that does not own `event_type`.
  void requireOwned(const switchboard::domain::CompanyId& company, const std::string& event_type);

 private:
  switchboard::OutboundResponse send(const switchboard::domain::CompanyId& company,
                                     switchboard::OutboundRequest request, const char* api_version);

  switchboard::HttpClient& client_;
  std::string base_url_;
  AccountOf account_of_;
  std::chrono::milliseconds ttl_;
  KeyRateLimit limit_;
  struct Cached {
    std::chrono::steady_clock::time_point at;
    std::vector<switchboard::contracts::EventType> types;
  };
  std::mutex mutex_;
  std::map<std::string, Cached> event_types_;  // by company
};

// Cal.com's booking JSON (API or webhook payload `data`) as the contract's Booking.
switchboard::contracts::Booking bookingOf(const switchboard::json::View& data);

}  // namespace calcom
