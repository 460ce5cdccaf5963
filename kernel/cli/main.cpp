// switchboard: serve, check-config, plugins.
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "config/config_loader.h"
#include "inbox/admin_api.h"
#include "plugin_host/library_loader.h"
#include "plugin_host/plugin_host.h"
#include "runtime/kernel.h"
#include "runtime/signals.h"
#include "switchboard/plugin.h"

namespace {

namespace fs = std::filesystem;
using switchboard::kernel::runtime::Kernel;

constexpr const char* kUsage = R"(usage:
  switchboard serve [--config FILE] [--listen HOST:PORT]
      Serve HTTP with the plugins, routes and events FILE names
      (default: config/switchboard.yaml). SIGHUP reloads FILE; SIGTERM/SIGINT drain and stop.
  switchboard check-config FILE
      Validate FILE, load and configure its plugins without starting them; print every
      problem as file:line:col: message. Exit 0 when valid, 1 otherwise.
  switchboard plugins [--config FILE]
      List the plugins FILE would load, with their versions and SDK ABI.
  switchboard migrate [--config FILE]
      Apply the kernel's and the plugins' database migrations (serve does it at start-up).
  switchboard inbox list [--state pending|running|done|dead] [--limit N] [--config FILE]
  switchboard inbox show ID [--config FILE]
  switchboard inbox replay ID|--dead [--config FILE]
      Inspect the durable inbox; replay puts dead (or done) items back to pending, attempts
      reset. A running server picks them up within inbox.poll_ms.
  switchboard INSTANCE COMMAND [ARGS...] [--config FILE]
      Run a command a plugin adds (listed below when FILE loads): the plugins are configured
      with their storage, nothing is started. Exit codes as above.
  switchboard --help [--config FILE] | --version

Plugin libraries named without a path are looked for in the file's plugin_dirs, then in
$SWITCHBOARD_PLUGIN_PATH (colon-separated), then in <binary>/../plugins.
)";

std::vector<std::string> defaultPluginDirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("SWITCHBOARD_PLUGIN_PATH")) {
    std::stringstream in(env);
    for (std::string dir; std::getline(in, dir, ':');)
      if (!dir.empty()) dirs.push_back(fs::absolute(dir).lexically_normal().string());
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) dirs.push_back((exe.parent_path() / ".." / "plugins").lexically_normal().string());
  return dirs;
}

struct Args {
  std::string command;
  std::string config = "config/switchboard.yaml";
  std::optional<std::string> listen;
  std::vector<std::string> words;  // after `inbox`: list|show|replay and their arguments
  std::optional<std::string> state;
  int limit = 50;
};

std::optional<Args> parse(int argc, char** argv) {
  Args args;
  std::vector<std::string> rest(argv + 1, argv + argc);
  if (rest.empty()) return std::nullopt;
  args.command = rest[0];
  for (std::size_t i = 1; i < rest.size(); ++i) {
    const std::string& a = rest[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= rest.size()) return std::nullopt;
      return rest[++i];
    };
    const bool takes_config = args.command == "serve" || args.command == "plugins" ||
                              args.command == "migrate" || args.command == "inbox";
    if (a == "--config" && takes_config) {
      auto v = value();
      if (!v) return std::nullopt;
      args.config = *v;
    } else if (a == "--listen" && args.command == "serve") {
      args.listen = value();
      if (!args.listen) return std::nullopt;
    } else if (args.command == "check-config" && i == 1) {
      args.config = a;
    } else if (args.command == "inbox" && a == "--state") {
      args.state = value();
      if (!args.state) return std::nullopt;
    } else if (args.command == "inbox" && a == "--limit") {
      auto v = value();
      if (!v) return std::nullopt;
      args.limit = std::atoi(v->c_str());
    } else if (args.command == "inbox") {
      args.words.push_back(a);
    } else {
      std::cerr << "switchboard: unexpected argument '" << a << "'\n";
      return std::nullopt;
    }
  }
  if (args.command == "check-config" && rest.size() != 2) return std::nullopt;
  return args;
}

switchboard::kernel::runtime::KernelOptions kernelOptions(const Args& args) {
  switchboard::kernel::runtime::KernelOptions options;
  options.config_path = args.config;
  options.listen = args.listen;
  options.load.default_plugin_dirs = defaultPluginDirs();
  return options;
}

// What stopping the plugins and the inbox may take after the drain.
constexpr std::chrono::seconds kShutdownMargin{3};

// A shutdown has a deadline whatever a handler is doing: past it the process exits. Work not
// finished is the inbox's (durable items were committed before their acknowledgement, and
// their leases run out), as after SIGKILL.
void exitAfter(std::chrono::milliseconds deadline, std::shared_ptr<spdlog::logger> log) {
  std::thread([deadline, log] {
    std::this_thread::sleep_for(deadline);
    log->error(
        "shutdown took longer than {} ms: exiting with handlers still running (the "
        "inbox retries what they left)",
        deadline.count());
    log->flush();
    std::_Exit(0);
  }).detach();
}

int serve(const Args& args) {
  Kernel kernel(kernelOptions(args));
  try {
    kernel.start();
  } catch (const std::exception& e) {
    kernel.log()->critical("cannot start:\n{}", e.what());
    return 1;
  }
  for (;;) {
    const int signal = switchboard::kernel::runtime::waitForSignal();
    if (signal == SIGHUP) {
      kernel.log()->info("SIGHUP: reloading");
      kernel.reload();
      continue;
    }
    kernel.log()->info("{}: shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    exitAfter(kernel.drainTimeout() + kShutdownMargin, kernel.log());
    kernel.shutdown();
    return 0;
  }
}

int checkConfig(const Args& args) {
  auto options = kernelOptions(args);
  Kernel kernel(std::move(options));
  try {
    kernel.prepare(/*open_storage=*/false);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  std::cout << args.config << ": ok\n";
  return 0;
}

int migrate(const Args& args) {
  Kernel kernel(kernelOptions(args));
  try {
    const auto applied = kernel.migrateOnly();
    std::cout << (applied.empty() ? "the schema is up to date\n" : "");
    for (const auto& a : applied) std::cout << "applied " << a << "\n";
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}

int inboxCommand(const Args& args) {
  const auto& w = args.words;
  const bool list = w.size() == 1 && w[0] == "list";
  const bool show = w.size() == 2 && w[0] == "show";
  const bool replay = w.size() == 2 && w[0] == "replay";
  if (!list && !show && !replay) {
    std::cerr << kUsage;
    return 2;
  }
  Kernel kernel(kernelOptions(args));
  try {
    kernel.migrateOnly();
    auto& store = kernel.inbox()->store();
    const auto now = switchboard::kernel::inbox::toMs(std::chrono::system_clock::now());
    if (list) {
      for (const auto& r : store.list(args.state, args.limit))
        std::cout << switchboard::kernel::inbox::recordJson(r, false) << "\n";
    } else if (show) {
      const auto r = store.get(std::stoll(w[1]));
      if (!r) {
        std::cerr << "no inbox item " << w[1] << "\n";
        return 1;
      }
      std::cout << switchboard::kernel::inbox::recordJson(*r, true) << "\n";
    } else if (w[1] == "--dead") {
      std::cout << "replayed " << store.replayDead(now) << " dead items\n";
    } else {
      if (!store.replay(std::stoll(w[1]), now)) {
        std::cerr << "inbox item " << w[1] << " does not exist or is not dead or done\n";
        return 1;
      }
      std::cout << "replayed " << w[1] << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}

bool isKernelCommand(const std::string& word) {
  for (const char* c : {"serve", "check-config", "plugins", "migrate", "inbox"})
    if (word == c) return true;
  return false;
}

// `switchboard INSTANCE COMMAND [ARGS...] [--config FILE]`
int pluginCommand(const std::vector<std::string>& words) {
  Args args;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "--config" && i + 1 < words.size())
      args.config = words[++i];
    else
      rest.push_back(words[i]);
  }
  if (rest.size() < 2) {
    std::cerr << "usage: switchboard INSTANCE COMMAND [ARGS...] [--config FILE]\n";
    return 2;
  }
  Kernel kernel(kernelOptions(args));
  try {
    kernel.prepare();
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  const auto* command = kernel.handlers().command(rest[0], rest[1]);
  // The plugins start as for serving (the catalog is applied from its files), without HTTP.
  if (command) kernel.startPlugins();
  if (!command) {
    std::cerr << "switchboard: " << args.config << " has no plugin '" << rest[0]
              << "' with a command '" << rest[1] << "'";
    std::string known;
    for (const auto& [instance, c] : kernel.handlers().commands())
      known += "\n  " + instance + " " + c->name;
    std::cerr << (known.empty() ? "; its plugins add no commands\n"
                                : "; there are:" + known + "\n");
    return 2;
  }
  try {
    const int status = command->run({rest.begin() + 2, rest.end()}, std::cout, std::cerr);
    std::cout.flush();
    return status;
  } catch (const std::exception& e) {
    std::cerr << rest[0] << " " << rest[1] << ": " << e.what() << "\n";
    return 1;
  }
}

// --help: the kernel's usage, then the commands the config's plugins add (when it loads).
int help(const std::vector<std::string>& words) {
  std::cout << kUsage;
  Args args;
  if (words.size() == 2 && words[0] == "--config") args.config = words[1];
  if (!fs::exists(args.config)) return 0;
  Kernel kernel(kernelOptions(args));
  try {
    kernel.prepare(/*open_storage=*/false);
  } catch (const std::exception& e) {
    std::cout << "\n(plugin commands unknown: " << args.config << " does not load)\n";
    return 0;
  }
  const auto commands = kernel.handlers().commands();
  if (commands.empty()) return 0;
  std::cout << "\nPlugin commands (" << args.config << "):\n";
  for (const auto& [instance, c] : commands)
    std::cout << "  switchboard " << instance << " " << c->name
              << (c->usage.empty() ? "" : " " + c->usage) << "\n      " << c->summary << "\n";
  return 0;
}

int listPlugins(const Args& args) {
  switchboard::kernel::config::Config config;
  try {
    config = switchboard::kernel::config::loadConfig(args.config, kernelOptions(args).load);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  int status = 0;
  std::cout << "kernel SDK ABI " << switchboard::kSdkAbiVersion << "\n";
  for (const auto& p : config.plugins) {
    std::cout << p.instance << "\t" << p.library_path << "\t";
    try {
      const auto library = switchboard::kernel::plugins::openPluginLibrary(p.library_path);
      const auto plugin = library.factory();
      const auto info = plugin->info();
      std::cout << info.name << " " << info.version << "\tABI " << library.abi;
      auto list = [](const std::vector<std::string>& v) {
        std::string out;
        for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
        return out.empty() ? std::string("-") : out;
      };
      std::cout << "\tprovides " << list(info.provides) << "\tneeds " << list(info.needs);
    } catch (const std::exception& e) {
      std::cout << "ERROR " << e.what();
      status = 1;
    }
    std::cout << (p.optional ? "\t(optional)" : "") << "\n";
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  switchboard::kernel::runtime::blockControlSignals();
  if (argc == 2 && std::string(argv[1]) == "--version") {
    std::cout << "switchboard " << SWITCHBOARD_VERSION << " (SDK ABI "
              << switchboard::kSdkAbiVersion << ")\n";
    return 0;
  }
  if (argc >= 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h"))
    return help({argv + 2, argv + argc});
  if (argc >= 2 && argv[1][0] != '-' && !isKernelCommand(argv[1]))
    return pluginCommand({argv + 1, argv + argc});
  const auto args = parse(argc, argv);
  if (!args) {
    std::cerr << kUsage;
    return 2;
  }
  if (args->command == "serve") return serve(*args);
  if (args->command == "check-config") return checkConfig(*args);
  if (args->command == "plugins") return listPlugins(*args);
  if (args->command == "migrate") return migrate(*args);
  if (args->command == "inbox") return inboxCommand(*args);
  std::cerr << "switchboard: unknown command '" << args->command << "'\n" << kUsage;
  return 2;
}
