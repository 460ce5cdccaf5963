// The tenant root and where it answers the phone: Company → Branch, PhoneNumber, WorkingHour.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace switchboard::domain {

// Every tenant-owned row carries its company's id (a stable slug from the catalog).
using CompanyId = std::string;

struct Company {
  CompanyId id;
  std::string name;
  std::string currency;      // ISO 4217: prices, balance and invoices are in it
  std::string language;      // default language of customer messages (BCP 47, e.g. "de")
  std::string country;       // ISO 3166 alpha-2: the region of numbers written without +
  std::string billing_type;  // prepaid | postpaid
  std::string pricing_plan;  // PricingPlan id
  std::optional<std::int64_t> calcom_team_id;
  std::string retell_agent_id;
  bool retell_enabled = true;    // catalog retell.enabled: calls to its numbers are taken
  std::string telegram_chat_id;  // admin alerts
  // Free-form per-company options that features read (e.g. a booking confidence threshold),
  // from the catalog's `company.settings`; YAML scalars, kept as their text.
  std::map<std::string, std::string> settings;
  bool active = true;
};

struct Branch {
  CompanyId company_id;
  std::string id;  // slug, unique within the company
  std::string name;
  std::string timezone;  // IANA, e.g. Europe/Berlin
  bool active = true;
  std::string address;  // as customers are told it; may be empty
};

struct PhoneNumber {
  std::string e164;  // +49301234567; one branch owns it
  CompanyId company_id;
  std::string branch_id;
  std::string retell_agent_id;  // empty: the company's agent
  bool primary = false;
  bool active = true;
};

// Opening hours of a branch on one weekday, in the branch's local time.
struct WorkingHour {
  CompanyId company_id;
  std::string branch_id;
  int weekday = 0;       // 0 = Monday … 6 = Sunday
  int start_minute = 0;  // minutes after local midnight
  int end_minute = 0;    // exclusive
};

// Where a dialled number leads.
struct NumberOwner {
  CompanyId company_id;
  std::string branch_id;
};

}  // namespace switchboard::domain
