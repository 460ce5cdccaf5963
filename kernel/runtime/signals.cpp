#include "runtime/signals.h"

#include <csignal>

namespace switchboard::kernel::runtime {
namespace {

sigset_t controlSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void blockControlSignals() {
  const sigset_t set = controlSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not end the process
}

int waitForSignal() {
  const sigset_t set = controlSignals();
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

}  // namespace switchboard::kernel::runtime
