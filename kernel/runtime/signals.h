// Process signals handled synchronously: SIGHUP (reload), SIGTERM and SIGINT (drain and stop).
#pragma once

namespace switchboard::kernel::runtime {

// Blocks the signals in the calling thread; threads started afterwards inherit the mask, so
// only waitForSignal() ever sees them. Call first thing in main().
void blockControlSignals();

// Returns the next control signal.
int waitForSignal();

}  // namespace switchboard::kernel::runtime
