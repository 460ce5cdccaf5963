#include "appointment_facts.h"

#include "switchboard/domain/repositories.h"
#include "switchboard/services.h"

namespace booking {

switchboard::events::AppointmentFacts factsOf(switchboard::Host& host,
                                              const switchboard::domain::Appointment& a,
                                              switchboard::db::Session& tx) {
  namespace domain = switchboard::domain;
  switchboard::events::AppointmentFacts f;
  f.appointment_id = a.id;
  f.company = a.company_id;
  f.branch = a.branch_id;
  f.booking = {"calcom", a.calcom_booking_uid};
  f.service = a.service_id;
  f.staff = a.staff_id;
  f.start = a.starts_at;
  f.end = a.ends_at;
  if (a.customer_id)
    if (auto customers = host.services().find<domain::Customers>())
      if (auto c = customers->get(tx, a.company_id, *a.customer_id)) {
        f.customer_name = c->name;
        f.customer_phone = c->phone_e164;
      }
  if (auto d = host.services().find<domain::Directory>())
    for (const auto& b : d->branches(tx, a.company_id))
      if (b.id == a.branch_id) f.time_zone = b.timezone;
  return f;
}

}  // namespace booking
