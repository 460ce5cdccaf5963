// Billing records: what calls cost us (PlatformCost), at which rate (ExchangeRate), what we
// charge (PricingPlan, Transaction, Invoice) and how companies pay in (BalanceTopup).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "switchboard/clock.h"
#include "switchboard/domain/company.h"
#include "switchboard/domain/money.h"

namespace switchboard::domain {

struct PlatformCost {
  std::int64_t id = 0;
  CompanyId company_id;
  std::optional<std::int64_t> call_id;
  std::string platform;  // retell | twilio | calcom | …
  Money amount;          // as the platform billed it (usually USD)
  TimePoint incurred_at{};
};

// Reference data shared by all tenants: 1 base = rate_micros / 1e6 quote, on `date`.
struct ExchangeRate {
  std::string base;   // EUR (ECB reference rates are per euro)
  std::string quote;  // USD
  std::int64_t rate_micros = 0;
  std::string date;    // YYYY-MM-DD of the publication
  std::string source;  // ecb
};

// Reference data shared by all tenants.
struct PricingPlan {
  std::string id;  // standard
  std::string name;
  std::string currency;
  Money per_minute;
  Money monthly_fee;
};

// A ledger entry; the balance is their sum. Never updated, only appended.
struct Transaction {
  std::int64_t id = 0;
  CompanyId company_id;
  std::string kind;       // topup | call_charge | refund | adjustment
  Money amount;           // signed: charges are negative
  std::string reference;  // e.g. call:<id>, topup:<id>; unique per company
  TimePoint created_at{};
};

struct Invoice {
  std::int64_t id = 0;
  CompanyId company_id;
  std::string number;                    // unique
  std::string period_start, period_end;  // YYYY-MM-DD
  Money total;
  std::string status = "draft";  // draft | issued | paid | void
  std::optional<TimePoint> issued_at;
};

struct BalanceTopup {
  std::int64_t id = 0;
  CompanyId company_id;
  Money amount;
  std::string stripe_session_id;   // unique when set
  std::string status = "pending";  // pending | completed | failed
  TimePoint created_at{};
  std::optional<TimePoint> completed_at;
};

}  // namespace switchboard::domain
