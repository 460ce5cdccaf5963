// The SDK's domain repositories over SOCI (SQLite and PostgreSQL alike). Every query names
// company_id in its WHERE clause; writes that match no row of the company throw NotFound.
#pragma once

#include <memory>
#include <optional>

#include "catalog.h"
#include "secret_box.h"
#include "switchboard/domain/repositories.h"

namespace directory {

using switchboard::TimePoint;

class DirectoryStore final : public domain::Directory {
 public:
  // `box` opens stored secrets; null when the catalog holds none (secret() then finds none).
  explicit DirectoryStore(std::shared_ptr<const SecretBox> box) : box_(std::move(box)) {}

  // Writes the catalog in one transaction: upserts what is there, deactivates (never deletes)
  // what is not, replaces link tables (service staff/branches, segments, hours) and secrets.
  void apply(soci::session& db, const Catalog& catalog, TimePoint now) const;

  std::optional<domain::Company> company(soci::session& db, const domain::CompanyId& c) override;
  std::vector<domain::Branch> branches(soci::session& db, const domain::CompanyId& c) override;
  std::vector<domain::PhoneNumber> phoneNumbers(soci::session& db,
                                                const domain::CompanyId& c) override;
  std::vector<domain::Service> services(soci::session& db, const domain::CompanyId& c) override;
  std::optional<domain::Service> service(soci::session& db, const domain::CompanyId& c,
                                         const std::string& service_id) override;
  std::vector<domain::Staff> staff(soci::session& db, const domain::CompanyId& c) override;
  std::vector<domain::WorkingHour> workingHours(soci::session& db, const domain::CompanyId& c,
                                                const std::string& branch_id) override;
  std::optional<std::string> secret(soci::session& db, const domain::CompanyId& c,
                                    const std::string& name) override;
  std::optional<domain::NumberOwner> adminOwnerOfNumber(soci::session& db,
                                                        const std::string& e164) override;
  std::vector<domain::Company> adminCompanies(soci::session& db) override;

 private:
  std::vector<domain::Service> loadServices(soci::session& db, const domain::CompanyId& c,
                                            const std::string& only_id);
  std::shared_ptr<const SecretBox> box_;
};

class CustomerStore final : public domain::Customers {
 public:
  explicit CustomerStore(const switchboard::Clock& clock) : clock_(clock) {}
  std::optional<domain::Customer> byPhone(soci::session& db, const domain::CompanyId& c,
                                          const std::string& e164) override;
  std::optional<domain::Customer> get(soci::session& db, const domain::CompanyId& c,
                                      std::int64_t id) override;
  domain::Customer save(soci::session& db, const domain::CompanyId& c,
                        domain::Customer customer) override;

 private:
  const switchboard::Clock& clock_;
};

class CallStore final : public domain::Calls {
 public:
  domain::Call save(soci::session& db, const domain::CompanyId& c, domain::Call call) override;
  std::optional<domain::Call> get(soci::session& db, const domain::CompanyId& c,
                                  std::int64_t id) override;
  std::optional<domain::Call> byRef(soci::session& db, const domain::CompanyId& c,
                                    const domain::ExternalRef& ref) override;
  std::vector<domain::Call> between(soci::session& db, const domain::CompanyId& c, TimePoint from,
                                    TimePoint to) override;
  domain::Call adminSaveUnassigned(soci::session& db, domain::Call call) override;
  std::vector<domain::Call> adminUnassigned(soci::session& db, int limit) override;
  std::optional<domain::Call> adminByRef(soci::session& db, const domain::ExternalRef& ref) override;
  std::int64_t adminUnassignedSince(soci::session& db, TimePoint since) override;

 private:
  domain::Call write(soci::session& db, const std::optional<std::string>& company,
                     domain::Call call);
};

class AppointmentStore final : public domain::Appointments {
 public:
  domain::Appointment save(soci::session& db, const domain::CompanyId& c,
                           domain::Appointment a) override;
  std::optional<domain::Appointment> get(soci::session& db, const domain::CompanyId& c,
                                         std::int64_t id) override;
  std::optional<domain::Appointment> byCalcomUid(soci::session& db, const domain::CompanyId& c,
                                                 const std::string& uid) override;
  std::vector<domain::Appointment> forCustomer(soci::session& db, const domain::CompanyId& c,
                                               std::int64_t customer_id) override;
  std::vector<domain::Appointment> forBranch(soci::session& db, const domain::CompanyId& c,
                                             const std::string& branch_id, TimePoint from,
                                             TimePoint to) override;
};

class LedgerStore final : public domain::Ledger {
 public:
  domain::Transaction append(soci::session& db, const domain::CompanyId& c,
                             domain::Transaction t) override;
  std::vector<domain::Transaction> transactions(soci::session& db, const domain::CompanyId& c,
                                                int limit) override;
  domain::Money balance(soci::session& db, const domain::CompanyId& c) override;
  domain::BalanceTopup saveTopup(soci::session& db, const domain::CompanyId& c,
                                 domain::BalanceTopup topup) override;
  std::optional<domain::BalanceTopup> topupBySession(soci::session& db, const domain::CompanyId& c,
                                                     const std::string& session_id) override;
  domain::PlatformCost addPlatformCost(soci::session& db, const domain::CompanyId& c,
                                       domain::PlatformCost cost) override;
  std::vector<domain::PlatformCost> platformCosts(soci::session& db, const domain::CompanyId& c,
                                                  std::int64_t call_id) override;
  domain::Invoice saveInvoice(soci::session& db, const domain::CompanyId& c,
                              domain::Invoice invoice) override;
  std::vector<domain::Invoice> invoices(soci::session& db, const domain::CompanyId& c) override;
};

class ReferenceStore final : public domain::ReferenceData {
 public:
  void saveRate(soci::session& db, const domain::ExchangeRate& rate) override;
  std::optional<domain::ExchangeRate> rate(soci::session& db, const std::string& base,
                                           const std::string& quote,
                                           const std::string& date) override;
  void savePlan(soci::session& db, const domain::PricingPlan& plan) override;
  std::optional<domain::PricingPlan> plan(soci::session& db, const std::string& id) override;
};

}  // namespace directory
