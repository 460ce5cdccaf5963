// A fake Twilio Messages API (PROVIDERS.md) on the SDK's FakeUpstream: a real HTTP server on
// loopback that enforces basic auth and the form fields Twilio requires (To, Body of at most
// 1,600 characters, From or MessagingServiceSid), refuses the numbers a test names with
// Twilio's error body, keeps the messages it took and lists them, newest first, filtered by
// To and From, as Twilio's list resource does. A send can be stalled: taken (or lost) and
// answered too late, as over a slow network.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "switchboard/testing/fake_upstream.h"

namespace sbtest {

class FakeTwilio {
 public:
  struct Message {
    std::string sid, to, from, body, status_callback;
  };
  enum class Stall { None, Taken, Lost };

  FakeTwilio(std::string account_sid, std::string auth_token);

  std::string url() const { return api_.url(); }
  switchboard::testing::FakeUpstream& upstream() { return api_; }
  // The Messages resource's path for this account.
  const std::string& messagesPath() const { return path_; }

  // A send to `number` is refused with Twilio's `code` (21211 invalid, 21610 opted out, ...).
  void refuse(const std::string& number, int code, const std::string& message);
  // The next send answers after 3 s: taken first (Taken) or never taken (Lost).
  void stallNext(Stall how) { stall_ = how; }

  std::vector<Message> taken() const;                                // in the order taken
  std::vector<switchboard::testing::RecordedRequest> posts() const;  // every send attempt
  std::vector<switchboard::testing::RecordedRequest> lookups() const;

 private:
  switchboard::testing::Reply send(const switchboard::testing::RecordedRequest& r);
  switchboard::testing::Reply list(const switchboard::testing::RecordedRequest& r) const;

  std::string sid_, token_, path_;
  mutable std::mutex mutex_;
  std::vector<Message> taken_;
  std::map<std::string, std::pair<int, std::string>> refused_;
  std::atomic<Stall> stall_{Stall::None};
  switchboard::testing::FakeUpstream api_;  // last: stops before the state it uses goes
};

}  // namespace sbtest
