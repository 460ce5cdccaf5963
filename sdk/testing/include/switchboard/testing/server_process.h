// The real `switchboard` binary as a child process: started with arguments, its stderr
// collected, its port read from the "listening on" line, signalled, and waited for.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace switchboard::testing {

class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> args,
                         std::vector<std::pair<std::string, std::string>> env = {});
  ~ServerProcess();  // SIGKILLs a child still running

  // Waits for the "listening on http://host:port" line; nullopt when the process exits first
  // or the timeout passes.
  std::optional<std::uint16_t> waitUntilListening(
      std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Waits for `text` to appear in the output (log lines), from `from` on.
  bool waitForOutput(const std::string& text, std::size_t from = 0,
                     std::chrono::milliseconds timeout = std::chrono::seconds(20));

  void signal(int sig);
  pid_t pid() const { return pid_; }
  // The exit status (or 128 + signal); nullopt on timeout.
  std::optional<int> waitForExit(std::chrono::milliseconds timeout = std::chrono::seconds(20));

  std::string output() const;

 private:
  void readLoop(int fd);

  pid_t pid_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;
  bool eof_ = false;
  std::optional<int> status_;
};

// Runs a command to completion; returns its exit status and puts stdout+stderr in `output`.
int runCommand(const std::vector<std::string>& args, std::string& output,
               const std::vector<std::pair<std::string, std::string>>& env = {});

}  // namespace switchboard::testing
