#include "chat_pacer.h"

#include <algorithm>

namespace telegram {

ChatPacer::Clock::time_point ChatPacer::reserve(const std::string& chat, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto at = now;
  if (auto it = next_.find(chat); it != next_.end()) at = std::max(at, it->second);
  // The overall limit: the send `per_second_` places back must be a second before this one.
  while (!recent_.empty() && recent_.front() + std::chrono::seconds(1) <= now) recent_.pop_front();
  if (per_second_ > 0 && recent_.size() >= per_second_)
    at = std::max(at, recent_[recent_.size() - per_second_] + std::chrono::seconds(1));
  recent_.insert(std::upper_bound(recent_.begin(), recent_.end(), at), at);
  next_[chat] = at + per_chat_;
  if (next_.size() > 10000)  // forget chats long quiet
    std::erase_if(next_, [&](const auto& kv) { return kv.second < now; });
  return at;
}

}  // namespace telegram
