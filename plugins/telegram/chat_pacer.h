// Telegram's informal limits (PROVIDERS.md): about one message per second per chat and 30 per
// second overall. The pacer hands out send times that keep both; the caller waits until then.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace telegram {

class ChatPacer {
 public:
  using Clock = std::chrono::steady_clock;
  ChatPacer(std::chrono::milliseconds per_chat = std::chrono::milliseconds(1000),
            std::size_t per_second = 30)
      : per_chat_(per_chat), per_second_(per_second) {}

  // Reserves a send to `chat` and returns when it may go (`now` or later).
  Clock::time_point reserve(const std::string& chat, Clock::time_point now);

 private:
  std::mutex mutex_;
  std::chrono::milliseconds per_chat_;
  std::size_t per_second_;
  std::map<std::string, Clock::time_point> next_;  // per chat: its next free moment
  std::deque<Clock::time_point> recent_;           // the reserved sends of the last second
};

}  // namespace telegram
