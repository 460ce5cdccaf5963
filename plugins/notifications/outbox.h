// The customer SMS outbox. A message is decided inside the deciding event's transaction: its
// row (notification_messages, keyed by event + recipient + template) and its `sms` job commit
// together, so a replayed event finds the row and texts no one twice. The job sends outside
// any transaction (the SDK's call-then-record pattern); quiet hours move it to their end,
// a number that said STOP is skipped, a permanent error is recorded and not retried.
#pragma once

#include <optional>
#include <string>

#include "quiet_hours.h"
#include "switchboard/db.h"
#include "switchboard/events.h"
#include "switchboard/events/messaging.h"
#include "switchboard/sdk.h"

namespace notifications {

struct SmsDraft {
  std::string key;  // the idempotency key
  std::string company, to, kind, language, body, time_zone;
};

class Outbox {
 public:
  Outbox(switchboard::Host& host, QuietHours default_quiet);

  void registerJobs();
  // In the deciding transaction. False when the key is known (nothing queued again).
  bool queue(switchboard::db::Session& tx, const SmsDraft& draft);

  // Delivery updates from the provider; STOP/START from customers.
  void onStatus(const switchboard::events::SmsStatus& s, const switchboard::EventDelivery& d);
  void onReceived(const switchboard::events::SmsReceived& m, switchboard::db::Session& tx);

  static bool optedOut(switchboard::db::Session& db, const std::string& phone);

 private:
  // When the company's quiet hours (settings.quiet_hours, else the feature's) end, if `now`
  // lies inside them in `zone`.
  std::optional<switchboard::TimePoint> quietUntil(switchboard::db::Session& db,
                                                   const std::string& company,
                                                   const std::string& zone,
                                                   switchboard::TimePoint now);
  std::string send(const switchboard::InboxItem& job);
  void record(const switchboard::InboxItem& job, const std::string& result,
              switchboard::db::Session& tx);

  switchboard::Host& host_;
  QuietHours default_quiet_;
};

}  // namespace notifications
