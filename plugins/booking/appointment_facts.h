// An appointment as the people told about it need it (events::AppointmentFacts): the stored
// row completed with the customer's name and number and the branch's zone.
#pragma once

#include "switchboard/db.h"
#include "switchboard/domain/appointment.h"
#include "switchboard/events/booking.h"
#include "switchboard/host.h"

namespace booking {

switchboard::events::AppointmentFacts factsOf(switchboard::Host& host,
                                              const switchboard::domain::Appointment& a,
                                              switchboard::db::Session& tx);

}  // namespace booking
