// A fake Cal.com (API v2, as PROVIDERS.md documents it) on the SDK's FakeUpstream: a real HTTP
// server on loopback that enforces the bearer key and each endpoint's cal-api-version, serves
// slots from the free times a test gives it (minus what is booked), keeps bookings in memory,
// refuses a taken time, a time in the past or inside the minimum notice, metadata over its limits
// and a length the event type does not offer as Cal.com does, lists a team's event types, cancels
// and reschedules, and sends the signed webhooks of changes made in Cal.com itself. Tests script
// failures on top through upstream() (FakeUpstream::failNext).
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "switchboard/clock.h"
#include "switchboard/testing/fake_upstream.h"

namespace sbtest {

class FakeCalcom {
 public:
  struct Booking {
    long long id = 0;
    std::string uid;
    long long event_type = 0;
    switchboard::TimePoint start{}, end{};
    std::string status = "accepted";
    std::string body;  // the create request's JSON
    std::map<std::string, std::string> metadata;
    std::string rescheduled_from;  // the uid this booking replaced
  };

  FakeCalcom(std::string api_key, long long team_id, std::set<long long> team_event_types);

  std::string url() const { return api_.url(); }
  switchboard::testing::FakeUpstream& upstream() { return api_; }

  // Free start times of an event type (each `minutes` long).
  void addFree(long long event_type, switchboard::TimePoint start, int minutes = 30);
  // The event type lets a booking choose among these lengths (Cal.com's "multiple durations");
  // without it a create that names lengthInMinutes is refused, as Cal.com refuses it.
  void allowLengths(long long event_type, std::set<int> minutes);
  // The event type's minimum booking notice: no slot sooner is listed, and a booking or a
  // move to a sooner time is refused (400), as Cal.com refuses it.
  void setMinimumNotice(long long event_type, std::chrono::minutes notice);
  std::vector<Booking> bookings() const;
  // Another client books `start` first: slots still list it (read before), the create is
  // refused as taken.
  void snatch(long long event_type, switchboard::TimePoint start);
  // Changes made in Cal.com itself (its UI), each followed by the webhook Cal.com sends:
  // POSTed to the server on `port` at `path`, signed with X-Cal-Signature-256 under `secret`.
  void webhooksTo(std::uint16_t port, std::string path, std::string secret);
  // The booking moved (Cal.com makes a new one and cancels the old): BOOKING_RESCHEDULED.
  // Returns the webhook's HTTP status and the new uid.
  std::pair<int, std::string> moveInCalcom(const std::string& uid, switchboard::TimePoint start);
  // BOOKING_CANCELLED; returns the webhook's HTTP status.
  int cancelInCalcom(const std::string& uid, const std::string& reason);

  // Every answer from now on waits this long (a Cal.com that answers in 100 ms).
  void setLatency(std::chrono::milliseconds latency) { latency_ = latency; }

 private:
  switchboard::testing::Reply slots(const switchboard::testing::RecordedRequest& r);
  switchboard::testing::Reply create(const switchboard::testing::RecordedRequest& r);
  switchboard::testing::Reply list(const switchboard::testing::RecordedRequest& r);
  switchboard::testing::Reply change(const switchboard::testing::RecordedRequest& r);
  switchboard::testing::Reply eventTypes(const switchboard::testing::RecordedRequest& r);
  // nullopt: the request may go on; else Cal.com's refusal.
  std::optional<switchboard::testing::Reply> refuse(const switchboard::testing::RecordedRequest& r,
                                                    const char* version) const;
  bool taken(long long event_type, switchboard::TimePoint start) const;
  // In the past or inside the event type's minimum notice (mutex_ held).
  bool tooSoon(long long event_type, switchboard::TimePoint start) const;

  std::string key_;
  long long team_;
  std::set<long long> team_types_;
  mutable std::mutex mutex_;
  std::map<long long, std::map<switchboard::TimePoint, int>> free_;  // event type → start → min
  std::vector<Booking> bookings_;
  std::map<long long, std::set<int>> lengths_;  // event type → lengths a booking may choose
  std::set<std::pair<long long, switchboard::TimePoint>> snatched_;
  std::map<long long, std::chrono::minutes> notice_;  // event type → minimum booking notice
  std::atomic<std::chrono::milliseconds> latency_{std::chrono::milliseconds(0)};
  int sendWebhook(const std::string& trigger, const Booking& b, const std::string& extra);
  Booking replaceLocked(std::size_t old, switchboard::TimePoint start, int minutes);
  std::uint16_t webhook_port_ = 0;
  std::string webhook_path_, webhook_secret_;
  switchboard::testing::FakeUpstream api_;  // last: its threads stop first
};

}  // namespace sbtest
