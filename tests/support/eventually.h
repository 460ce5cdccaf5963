// Polls a condition until it holds or a deadline passes: how tests wait for asynchronous work
// they can observe (never a fixed sleep).
#pragma once

#include <chrono>
#include <thread>

namespace sbtest {

template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::yield();
  }
  return condition();
}

}  // namespace sbtest
