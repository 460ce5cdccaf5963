// A log sink tests can wait on: "wait until the server logged X" is a condition, not a time.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

namespace sbtest {

class CapturingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::string text() {
    std::lock_guard lock(text_mutex_);
    return text_;
  }

  bool waitFor(const std::string& needle,
               std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(text_mutex_);
    return changed_.wait_for(lock, timeout,
                             [&] { return text_.find(needle) != std::string::npos; });
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::lock_guard lock(text_mutex_);
    text_.append(line.data(), line.size());
    changed_.notify_all();
  }
  void flush_() override {}

 private:
  std::mutex text_mutex_;
  std::condition_variable changed_;
  std::string text_;
};

}  // namespace sbtest
