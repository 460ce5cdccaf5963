// The test kit's process runner (switchboard/testing/server_process.h), under the suites' names.
#pragma once

#include "switchboard/testing/server_process.h"

namespace sbtest {
using switchboard::testing::runCommand;
using switchboard::testing::ServerProcess;
}  // namespace sbtest
