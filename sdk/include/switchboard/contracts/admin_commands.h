// The admin commands contract: what people who run a business may ask or answer from a chat
// (`/ack`, `/calls today`, `/unassigned`). A chat provider (Telegram today) translates a
// message into an AdminCommand and sends the answer back; a feature (notifications) decides.
#pragma once

#include <boost/config.hpp>
#include <string>
#include <vector>

#include "switchboard/domain/company.h"

namespace switchboard::contracts {

struct AdminCommand {
  // The companies whose admin chat it came from; empty when it came from the operations chat
  // (which sees every company).
  std::vector<domain::CompanyId> companies;
  bool operations = false;  // the operations chat
  std::string who;          // the person, as the chat names them
  std::string command;      // "ack", "calls", "unassigned", "help" (without the slash)
  std::vector<std::string> args;
};

class BOOST_SYMBOL_VISIBLE AdminCommands {
 public:
  static constexpr const char* kServiceName = "contract.admin_commands";
  virtual ~AdminCommands();
  // The answer as plain text (the provider escapes it for its format).
  virtual std::string handle(const AdminCommand& command) = 0;
};

}  // namespace switchboard::contracts
