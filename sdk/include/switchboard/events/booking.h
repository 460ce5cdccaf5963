// What the booking feature publishes about appointments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/clock.h"
#include "switchboard/domain/company.h"
#include "switchboard/domain/external_ref.h"

namespace switchboard::events {

// The appointment as the people told about it need it.
struct AppointmentFacts {
  std::int64_t appointment_id = 0;
  domain::CompanyId company;
  std::string branch;
  domain::ExternalRef call;     // empty when it was not booked on a call
  domain::ExternalRef booking;  // at the calendar provider
  std::string customer_name, customer_phone, language;
  std::string service, staff;
  TimePoint start{}, end{};
  std::string time_zone;  // the branch's
};

struct AppointmentBooked {
  static constexpr const char* kTopic = "booking.appointment_booked";
  AppointmentFacts appointment;

  std::string toJson() const;
  static AppointmentBooked fromJson(std::string_view json);
};

// The requested time was taken; another was booked (the caller must be told the new time).
struct AlternativeBooked {
  static constexpr const char* kTopic = "booking.alternative_booked";
  AppointmentFacts appointment;
  TimePoint requested_start{};
  std::string reason;  // why this alternative ("same day, nearest time")

  std::string toJson() const;
  static AlternativeBooked fromJson(std::string_view json);
};

// The requested time was taken and the company books nothing it was not asked for (its
// settings.alternative_policy: offer): the caller is offered these times to choose from.
struct AlternativesOffered {
  static constexpr const char* kTopic = "booking.alternatives_offered";
  std::string request;             // the booking request's key: one offer per request
  AppointmentFacts appointment;    // what was asked: start is the requested time, nothing booked
  std::vector<TimePoint> offered;  // best first
  std::string reason;              // why the first ("same day, nearest time")

  std::string toJson() const;
  static AlternativesOffered fromJson(std::string_view json);
};

// Nothing was booked nor offered (the admins are told why).
struct BookingFailed {
  static constexpr const char* kTopic = "booking.failed";
  domain::CompanyId company;
  domain::ExternalRef call;
  std::string service;
  TimePoint requested_start{};
  std::string reason;

  std::string toJson() const;
  static BookingFailed fromJson(std::string_view json);
};

struct AppointmentCancelled {
  static constexpr const char* kTopic = "booking.appointment_cancelled";
  AppointmentFacts appointment;
  std::string reason;
  std::string source;  // phone | calendar | admin

  std::string toJson() const;
  static AppointmentCancelled fromJson(std::string_view json);
};

struct AppointmentRescheduled {
  static constexpr const char* kTopic = "booking.appointment_rescheduled";
  AppointmentFacts appointment;  // with the new times
  TimePoint previous_start{};
  std::string source;

  std::string toJson() const;
  static AppointmentRescheduled fromJson(std::string_view json);
};

}  // namespace switchboard::events
