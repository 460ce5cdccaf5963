// The test kit's temporary directory (switchboard/testing/temp_dir.h), under the suites' names.
#pragma once

#include "switchboard/testing/temp_dir.h"

namespace sbtest {
using switchboard::testing::TempDir;
}  // namespace sbtest
