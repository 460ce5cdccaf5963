// One home for the domain interfaces' vtables and typeinfo (see ../interfaces.cpp).
#include "switchboard/domain/repositories.h"

namespace switchboard::domain {

NotFound::~NotFound() = default;
Directory::~Directory() = default;
Customers::~Customers() = default;
Calls::~Calls() = default;
Appointments::~Appointments() = default;
Ledger::~Ledger() = default;
ReferenceData::~ReferenceData() = default;

}  // namespace switchboard::domain
