// Commands a plugin adds to the CLI, so admins can ask the running system questions without
// writing HTTP by hand:  switchboard <instance> <command> [args...] [--config FILE]
// The kernel loads the config, opens the storage, configures the plugins (nothing is started,
// no port is opened) and runs the command. `switchboard --help` lists every plugin's commands.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace switchboard {

struct Command {
  std::string name;     // e.g. "resolve-number"
  std::string usage;    // the arguments, e.g. "NUMBER [--company ID]"
  std::string summary;  // one line for --help
  // Prints results to `out`, problems to `err`; returns the exit code: 0 success, 1 failure,
  // 2 wrong usage (the kernel's convention).
  std::function<int(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)>
      run;
};

}  // namespace switchboard
