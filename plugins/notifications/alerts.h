// Admin alerts, grouped (alert_policy.h): the story's row in alert_groups decides in the
// event's transaction whether to tell; telling is an `alert` job (AdminNotifier, outside any
// transaction) recorded in notification_messages like an SMS.
#pragma once

#include <string>

#include "alert_policy.h"
#include "switchboard/sdk.h"

namespace notifications {

class Alerts {
 public:
  Alerts(switchboard::Host& host, std::chrono::minutes window) : host_(host), window_(window) {}
  void registerJobs();
  void onEvent(const switchboard::Event& e, switchboard::db::Session& tx);

 private:
  void queue(switchboard::db::Session& tx, const switchboard::contracts::AdminAlert& a,
             const std::string& key);

  switchboard::Host& host_;
  std::chrono::minutes window_;
};

}  // namespace notifications
