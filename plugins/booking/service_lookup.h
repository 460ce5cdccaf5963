// Which of the company's services a caller (or the agent) named: the id, the name or an alias,
// ignoring case; else the one whose name contains the words or is contained in them (the
// longest such name wins: "Haarschnitt Herren" over "Haarschnitt").
#pragma once

#include <string_view>
#include <vector>

#include "switchboard/domain/catalog.h"

namespace booking {

const switchboard::domain::Service* findService(
    const std::vector<switchboard::domain::Service>& services, std::string_view said);

}  // namespace booking
