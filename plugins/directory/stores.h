// The SDK's domain repositories on the database API (SQLite and PostgreSQL alike). Every query
// names company_id in its WHERE clause; writes that match no row of the company throw NotFound.
#pragma once

#include <memory>
#include <optional>

#include "catalog.h"
#include "secret_box.h"
#include "switchboard/db.h"
#include "switchboard/domain/repositories.h"

namespace directory {

using switchboard::TimePoint;
namespace db = switchboard::db;

class DirectoryStore final : public domain::Directory {
 public:
  // `box` opens stored secrets; null when the catalog holds none (secret() then finds none).
  explicit DirectoryStore(std::shared_ptr<const SecretBox> box) : box_(std::move(box)) {}

  // Writes the catalog in one transaction: upserts what is there, deactivates (never deletes)
  // what is not, replaces link tables (service staff/branches, segments, hours) and secrets.
  void apply(db::Session& db, const Catalog& catalog, TimePoint now) const;

  std::optional<domain::Company> company(db::Session& db, const domain::CompanyId& c) override;
  std::vector<domain::Branch> branches(db::Session& db, const domain::CompanyId& c) override;
  std::vector<domain::PhoneNumber> phoneNumbers(db::Session& db,
                                                const domain::CompanyId& c) override;
  std::vector<domain::Service> services(db::Session& db, const domain::CompanyId& c) override;
  std::optional<domain::Service> service(db::Session& db, const domain::CompanyId& c,
                                         const std::string& service_id) override;
  std::vector<domain::Staff> staff(db::Session& db, const domain::CompanyId& c) override;
  std::vector<domain::WorkingHour> workingHours(db::Session& db, const domain::CompanyId& c,
                                                const std::string& branch_id) override;
  std::optional<std::string> secret(db::Session& db, const domain::CompanyId& c,
                                    const std::string& name) override;
  std::optional<domain::NumberOwner> adminOwnerOfNumber(db::Session& db,
                                                        const std::string& e164) override;
  std::vector<domain::Company> adminCompanies(db::Session& db) override;

 private:
  std::vector<domain::Service> loadServices(db::Session& db, const domain::CompanyId& c,
                                            const std::string& only_id);
  std::shared_ptr<const SecretBox> box_;
};

class CustomerStore final : public domain::Customers {
 public:
  explicit CustomerStore(const switchboard::Clock& clock) : clock_(clock) {}
  std::optional<domain::Customer> byPhone(db::Session& db, const domain::CompanyId& c,
                                          const std::string& e164) override;
  std::optional<domain::Customer> get(db::Session& db, const domain::CompanyId& c,
                                      std::int64_t id) override;
  domain::Customer save(db::Session& db, const domain::CompanyId& c,
                        domain::Customer customer) override;

 private:
  const switchboard::Clock& clock_;
};

class CallStore final : public domain::Calls {
 public:
  domain::Call save(db::Session& db, const domain::CompanyId& c, domain::Call call) override;
  std::optional<domain::Call> get(db::Session& db, const domain::CompanyId& c,
                                  std::int64_t id) override;
  std::optional<domain::Call> byRef(db::Session& db, const domain::CompanyId& c,
                                    const domain::ExternalRef& ref) override;
  std::vector<domain::Call> between(db::Session& db, const domain::CompanyId& c, TimePoint from,
                                    TimePoint to) override;
  domain::Call adminSaveUnassigned(db::Session& db, domain::Call call) override;
  std::vector<domain::Call> adminUnassigned(db::Session& db, int limit) override;
  std::optional<domain::Call> adminByRef(db::Session& db, const domain::ExternalRef& ref) override;
  std::int64_t adminUnassignedSince(db::Session& db, TimePoint since) override;

 private:
  domain::Call write(db::Session& db, const std::optional<std::string>& company, domain::Call call);
};

class AppointmentStore final : public domain::Appointments {
 public:
  domain::Appointment save(db::Session& db, const domain::CompanyId& c,
                           domain::Appointment a) override;
  std::optional<domain::Appointment> get(db::Session& db, const domain::CompanyId& c,
                                         std::int64_t id) override;
  std::optional<domain::Appointment> byCalcomUid(db::Session& db, const domain::CompanyId& c,
                                                 const std::string& uid) override;
  std::vector<domain::Appointment> forCustomer(db::Session& db, const domain::CompanyId& c,
                                               std::int64_t customer_id) override;
  std::vector<domain::Appointment> forBranch(db::Session& db, const domain::CompanyId& c,
                                             const std::string& branch_id, TimePoint from,
                                             TimePoint to) override;
};

class LedgerStore final : public domain::Ledger {
 public:
  domain::Transaction append(db::Session& db, const domain::CompanyId& c,
                             domain::Transaction t) override;
  std::vector<domain::Transaction> transactions(db::Session& db, const domain::CompanyId& c,
                                                int limit) override;
  domain::Money balance(db::Session& db, const domain::CompanyId& c) override;
  domain::BalanceTopup saveTopup(db::Session& db, const domain::CompanyId& c,
                                 domain::BalanceTopup topup) override;
  std::optional<domain::BalanceTopup> topupBySession(db::Session& db, const domain::CompanyId& c,
                                                     const std::string& session_id) override;
  domain::PlatformCost addPlatformCost(db::Session& db, const domain::CompanyId& c,
                                       domain::PlatformCost cost) override;
  std::vector<domain::PlatformCost> platformCosts(db::Session& db, const domain::CompanyId& c,
                                                  std::int64_t call_id) override;
  domain::Invoice saveInvoice(db::Session& db, const domain::CompanyId& c,
                              domain::Invoice invoice) override;
  std::vector<domain::Invoice> invoices(db::Session& db, const domain::CompanyId& c) override;
};

class ReferenceStore final : public domain::ReferenceData {
 public:
  void saveRate(db::Session& db, const domain::ExchangeRate& rate) override;
  std::optional<domain::ExchangeRate> rate(db::Session& db, const std::string& base,
                                           const std::string& quote,
                                           const std::string& date) override;
  void savePlan(db::Session& db, const domain::PricingPlan& plan) override;
  std::optional<domain::PricingPlan> plan(db::Session& db, const std::string& id) override;
};

}  // namespace directory
