// The admins' bot commands (contracts::AdminCommands), answered from our tables and the
// domain's: /ack (the open alerts of the chat's companies), /calls today, /unassigned, /help.
#pragma once

#include "switchboard/contracts/admin_commands.h"
#include "switchboard/db.h"
#include "switchboard/domain/repositories.h"
#include "switchboard/sdk.h"

namespace notifications {

class AdminDesk final : public switchboard::contracts::AdminCommands {
 public:
  explicit AdminDesk(switchboard::Host& host) : host_(host) {}
  std::string handle(const switchboard::contracts::AdminCommand& command) override;

 private:
  std::string ack(const switchboard::contracts::AdminCommand& c);
  std::string callsToday(const switchboard::contracts::AdminCommand& c);
  std::string callsToday(const switchboard::contracts::AdminCommand& c,
                         switchboard::db::Session& db, switchboard::domain::Directory& directory,
                         switchboard::domain::Calls& calls);
  std::string unassigned(const switchboard::contracts::AdminCommand& c);
  switchboard::Host& host_;
};

}  // namespace notifications
