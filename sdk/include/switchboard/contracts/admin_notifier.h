// The admin notifier contract: how features tell people who run a business (or us) that
// something needs them (Telegram today).
#pragma once

#include <boost/config.hpp>
#include <string>

#include "switchboard/domain/company.h"

namespace switchboard::contracts {

struct AdminAlert {
  domain::CompanyId company;  // empty: the operations chat only
  std::string severity;       // info | warning | critical
  std::string title;
  std::string text;  // plain text; the provider escapes it for its format
  // Alerts with the same key are one story (an outage's "opened" and "resolved").
  std::string group_key;
};

class BOOST_SYMBOL_VISIBLE AdminNotifier {
 public:
  static constexpr const char* kServiceName = "contract.admin_notifier";
  virtual ~AdminNotifier();
  // Throws on failure (the caller's job retries).
  virtual void notify(const AdminAlert& alert) = 0;
};

}  // namespace switchboard::contracts
