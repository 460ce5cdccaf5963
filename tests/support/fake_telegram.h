// A fake Telegram Bot API (PROVIDERS.md) on the SDK's FakeUpstream: `sendMessage` under
// /bot<token>/ only, a chat_id and a text of 1 to 4,096 characters required (else 400 as the
// Bot API answers), the messages kept in order.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "switchboard/testing/fake_upstream.h"

namespace sbtest {

class FakeTelegram {
 public:
  struct Message {
    std::string chat_id, text, parse_mode;
  };

  explicit FakeTelegram(std::string bot_token);

  std::string url() const { return api_.url(); }
  switchboard::testing::FakeUpstream& upstream() { return api_; }
  const std::string& sendPath() const { return path_; }

  std::vector<Message> sent() const;  // accepted, in order
  std::vector<Message> sentTo(const std::string& chat_id) const;
  std::vector<switchboard::testing::RecordedRequest> attempts() const;

 private:
  std::string path_;
  mutable std::mutex mutex_;
  std::vector<Message> sent_;
  switchboard::testing::FakeUpstream api_;  // last: stops before the state it uses goes
};

}  // namespace sbtest
