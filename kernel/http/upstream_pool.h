// Threads for the handlers that wait on an upstream while their client waits (a synchronous
// callback that must ask a third-party API first): run here, they leave the connection's
// reactor thread free to serve the other connections meanwhile. A bounded queue: when it is full
// the request is refused (503) rather than left to wait past its client's deadline.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace switchboard::kernel::http {

class UpstreamPool {
 public:
  UpstreamPool(std::size_t threads, std::size_t max_queued);
  ~UpstreamPool();
  UpstreamPool(const UpstreamPool&) = delete;
  UpstreamPool& operator=(const UpstreamPool&) = delete;

  // False when the queue is full or the pool stopped: whoever submitted answers for the task.
  bool submit(std::function<void()> task);
  // Runs what is queued, then joins the threads.
  void stop();

 private:
  void run();

  std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace switchboard::kernel::http
