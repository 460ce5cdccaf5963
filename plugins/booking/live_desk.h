// The booking feature's answers while the caller is on the line (contracts::CallTools):
//  - check_availability {service, date, time?}: free, or the best alternatives;
//  - book_appointment {service, start, name?}: books once per call and start (key
//    live:<provider>:<call id>:<start>, in booking_requests before the calendar is asked);
//    a calendar that is down queues the `book` job and says so;
//  - cancel_appointment {start?}, reschedule_appointment {new_start, start?}: the caller's
//    own upcoming appointments, found by the number calling, within the minimum notice
//    (company settings.min_notice_hours, else the feature's YAML).
// Calendar calls are made with no transaction open; what they made is recorded by a job.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "availability_cache.h"
#include "booking_outcome.h"
#include "switchboard/contracts/call_tools.h"
#include "switchboard/db.h"
#include "switchboard/events/calls.h"
#include "switchboard/host.h"
#include "switchboard/json.h"

namespace booking {

struct DeskSettings {
  int horizon_days = 3;
  std::size_t alternatives = 3;
  std::chrono::minutes min_notice{24 * 60};
};

// The feature's record step: the Appointment, the call's link, the journey, the event.
using Recorder =
    std::function<void(const switchboard::events::BookingRequested& request, const std::string& key,
                       const Outcome& outcome, switchboard::db::Session& tx)>;

class LiveDesk final : public switchboard::contracts::CallTools {
 public:
  LiveDesk(switchboard::Host& host, AvailabilityCache& cache, DeskSettings settings,
           Recorder record)
      : host_(host), cache_(cache), settings_(settings), record_(std::move(record)) {}

  switchboard::contracts::ToolAnswer call(const switchboard::contracts::ToolCall& call) override;
  // The jobs that record what the functions made (live_record, live_cancel, live_reschedule):
  // recording publishes, and a job's events join its transaction.
  void registerJobs();

 private:
  struct Context;
  std::string checkAvailability(const Context& c, const switchboard::json::View& args);
  std::string bookAppointment(const Context& c, const switchboard::json::View& args);
  std::string cancelAppointment(const Context& c, const switchboard::json::View& args);
  std::string rescheduleAppointment(const Context& c, const switchboard::json::View& args);

  switchboard::Host& host_;
  AvailabilityCache& cache_;
  DeskSettings settings_;
  Recorder record_;
};

}  // namespace booking
