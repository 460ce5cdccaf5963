// What a company sells and who does it: Service (with composite segments) and Staff.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/domain/company.h"
#include "switchboard/domain/money.h"

namespace switchboard::domain {

// One part of a composite service, booked as consecutive appointments.
struct ServiceSegment {
  std::string name;
  int duration_minutes = 0;
  bool staff_busy = true;  // false: the client waits (colour sets), the staff member is free
};

struct Service {
  CompanyId company_id;
  std::string id;  // slug, unique within the company
  std::string name;
  std::vector<std::string> aliases;  // other names callers use ("Haare schneiden", "cut")
  int duration_minutes = 0;  // the segments' sum for a composite service
  Money price;
  std::optional<std::int64_t> calcom_event_type_id;
  std::vector<ServiceSegment> segments;  // empty: a simple service
  std::vector<std::string> branch_ids;   // where it is offered
  std::vector<std::string> staff_ids;    // who performs it (service_staff, N:M)
  bool active = true;
};

struct Staff {
  CompanyId company_id;
  std::string id;
  std::string name;
  std::vector<std::string> branch_ids;
  bool active = true;
};

}  // namespace switchboard::domain
