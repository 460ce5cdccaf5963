#include "switchboard/testing/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace switchboard::testing {
namespace {

pid_t spawn(const std::vector<std::string>& args,
            const std::vector<std::pair<std::string, std::string>>& env, int out_fd) {
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    // The kernel's rule checks fail loudly in tests (an upstream call inside a transaction).
    setenv("SWITCHBOARD_STRICT", "1", 1);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int decode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> args,
                             std::vector<std::pair<std::string, std::string>> env) {
  int pipefd[2];
  // Close-on-exec: a grandchild (a daemon the child starts) must not keep the pipe open.
  if (pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = spawn(args, env, pipefd[1]);
  close(pipefd[1]);
  reader_ = std::thread([this, fd = pipefd[0]] { readLoop(fd); });
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !status_) {
    kill(pid_, SIGKILL);
    waitForExit(std::chrono::seconds(10));
  }
  if (reader_.joinable()) reader_.join();
}

void ServerProcess::readLoop(int fd) {
  char buf[4096];
  for (;;) {
    const auto n = ::read(fd, buf, sizeof buf);
    std::lock_guard lock(mutex_);
    if (n <= 0) {
      eof_ = true;
      changed_.notify_all();
      break;
    }
    output_.append(buf, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
  close(fd);
}

namespace {

// The port of the first "listening on http://HOST:PORT" line in `text`.
std::optional<std::uint16_t> listeningPort(const std::string& text) {
  static const std::string marker = "listening on http://";
  for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
    const auto host_end = text.find_first_of(": \n", at + marker.size());
    if (host_end == std::string::npos || text[host_end] != ':') continue;
    std::size_t i = host_end + 1;
    unsigned port = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && port < 65536)
      port = port * 10 + static_cast<unsigned>(text[i++] - '0');
    // A digit must not be the last byte read: the rest of the port may still be on its way.
    if (i > host_end + 1 && i < text.size() && port > 0 && port < 65536)
      return static_cast<std::uint16_t>(port);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint16_t> ServerProcess::waitUntilListening(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return listeningPort(output_) || eof_; });
  return listeningPort(output_);
}

bool ServerProcess::waitForOutput(const std::string& text, std::size_t from,
                                  std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    return output_.find(text, from) != std::string::npos || eof_;
  }) && output_.find(text, from) != std::string::npos;
}

void ServerProcess::signal(int sig) {
  kill(pid_, sig);
}

std::optional<int> ServerProcess::waitForExit(std::chrono::milliseconds timeout) {
  if (status_) return status_;
  // waitpid has no timeout; the reader's end of file (the child closed its output) is the
  // event to wait for, then waitpid collects the status without blocking for long.
  {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return eof_; })) return std::nullopt;
  }
  int status = 0;
  if (waitpid(pid_, &status, 0) != pid_) return std::nullopt;
  status_ = decode(status);
  return status_;
}

std::string ServerProcess::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

int runCommand(const std::vector<std::string>& args, std::string& output,
               const std::vector<std::pair<std::string, std::string>>& env) {
  ServerProcess p(args, env);
  const auto status = p.waitForExit(std::chrono::minutes(5));
  output = p.output();
  return status.value_or(-1);
}

}  // namespace switchboard::testing
