// The domain repositories plugins share (the directory plugin implements them over the store).
// Tenant isolation lives here, once for everybody: every method takes the company it acts for
// and never reads or writes another company's rows. The few calls that must see across tenants
// (which company owns a dialled number, the unassigned calls) are marked ADMIN in their names.
//
// Each method takes the session to run in, so a plugin can make repository writes part of
// its own transaction (an inbox item's process step, for exactly-once effects).
// A write naming a row of another company (or none) throws NotFound.
#pragma once

#include <boost/config.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "switchboard/domain/appointment.h"
#include "switchboard/domain/billing.h"
#include "switchboard/domain/call.h"
#include "switchboard/domain/catalog.h"
#include "switchboard/domain/company.h"
#include "switchboard/domain/customer.h"
#include "switchboard/domain/version.h"

namespace switchboard::db {
class Session;
}  // namespace switchboard::db

namespace switchboard::domain {

class BOOST_SYMBOL_VISIBLE NotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~NotFound() override;
};

// The tenants' catalog (read-only here: it is written by loading the YAML catalog).
class BOOST_SYMBOL_VISIBLE Directory {
 public:
  static constexpr const char* kServiceName = "domain.directory";
  virtual ~Directory();

  virtual std::optional<Company> company(db::Session& tx, const CompanyId& company) = 0;
  virtual std::vector<Branch> branches(db::Session& tx, const CompanyId& company) = 0;
  virtual std::vector<PhoneNumber> phoneNumbers(db::Session& tx, const CompanyId& company) = 0;
  virtual std::vector<Service> services(db::Session& tx, const CompanyId& company) = 0;
  virtual std::optional<Service> service(db::Session& tx, const CompanyId& company,
                                         const std::string& service_id) = 0;
  virtual std::vector<Staff> staff(db::Session& tx, const CompanyId& company) = 0;
  virtual std::vector<WorkingHour> workingHours(db::Session& tx, const CompanyId& company,
                                                const std::string& branch_id) = 0;
  // A secret from the company's catalog entry (e.g. "calcom.api_key"), decrypted.
  virtual std::optional<std::string> secret(db::Session& tx, const CompanyId& company,
                                            const std::string& name) = 0;

  // ADMIN: the company and branch an active E.164 number belongs to; nullopt: nobody's (the
  // call stays unassigned: never guess a tenant).
  virtual std::optional<NumberOwner> adminOwnerOfNumber(db::Session& tx,
                                                        const std::string& e164) = 0;
  // ADMIN: every active company.
  virtual std::vector<Company> adminCompanies(db::Session& tx) = 0;
};

class BOOST_SYMBOL_VISIBLE Customers {
 public:
  static constexpr const char* kServiceName = "domain.customers";
  virtual ~Customers();

  // Single-row reads lock the row until the transaction ends on PostgreSQL (SELECT ... FOR
  // UPDATE): a row read to be saved whole is never written back over another's change. Calls'
  // get and adminByRef, Appointments' get and byCalcomUid do the same.
  virtual std::optional<Customer> byPhone(db::Session& tx, const CompanyId& company,
                                          const std::string& e164) = 0;
  virtual std::optional<Customer> get(db::Session& tx, const CompanyId& company,
                                      std::int64_t id) = 0;
  // Inserts (id 0) or updates; returns the stored row.
  virtual Customer save(db::Session& tx, const CompanyId& company, Customer customer) = 0;
};

class BOOST_SYMBOL_VISIBLE Calls {
 public:
  static constexpr const char* kServiceName = "domain.calls";
  virtual ~Calls();

  virtual Call save(db::Session& tx, const CompanyId& company, Call call) = 0;
  virtual std::optional<Call> get(db::Session& tx, const CompanyId& company, std::int64_t id) = 0;
  virtual std::optional<Call> byRef(db::Session& tx, const CompanyId& company,
                                    const ExternalRef& ref) = 0;
  // Started in [from, to), oldest first.
  virtual std::vector<Call> between(db::Session& tx, const CompanyId& company, TimePoint from,
                                    TimePoint to) = 0;

  // ADMIN: a call whose number belongs to no company, stored flagged and unassigned.
  virtual Call adminSaveUnassigned(db::Session& tx, Call call) = 0;
  virtual std::vector<Call> adminUnassigned(db::Session& tx, int limit) = 0;
  // ADMIN: the call with that provider id, whichever company it was filed under (or none).
  virtual std::optional<Call> adminByRef(db::Session& tx, const ExternalRef& ref) = 0;
  // ADMIN: how many unassigned calls started (or, not started, were stored) since `since`.
  virtual std::int64_t adminUnassignedSince(db::Session& tx, TimePoint since) = 0;
};

class BOOST_SYMBOL_VISIBLE Appointments {
 public:
  static constexpr const char* kServiceName = "domain.appointments";
  virtual ~Appointments();

  virtual Appointment save(db::Session& tx, const CompanyId& company, Appointment a) = 0;
  virtual std::optional<Appointment> get(db::Session& tx, const CompanyId& company,
                                         std::int64_t id) = 0;
  virtual std::optional<Appointment> byCalcomUid(db::Session& tx, const CompanyId& company,
                                                 const std::string& uid) = 0;
  // The customer's appointments, earliest first.
  virtual std::vector<Appointment> forCustomer(db::Session& tx, const CompanyId& company,
                                               std::int64_t customer_id) = 0;
  // Starting in [from, to) at the branch, earliest first.
  virtual std::vector<Appointment> forBranch(db::Session& tx, const CompanyId& company,
                                             const std::string& branch_id, TimePoint from,
                                             TimePoint to) = 0;
};

class BOOST_SYMBOL_VISIBLE Ledger {
 public:
  static constexpr const char* kServiceName = "domain.ledger";
  virtual ~Ledger();

  // Appends; an entry with the same reference is not added twice (the stored one returns).
  virtual Transaction append(db::Session& tx, const CompanyId& company, Transaction t) = 0;
  virtual std::vector<Transaction> transactions(db::Session& tx, const CompanyId& company,
                                                int limit) = 0;
  // The sum of the company's entries, in its currency.
  virtual Money balance(db::Session& tx, const CompanyId& company) = 0;

  virtual BalanceTopup saveTopup(db::Session& tx, const CompanyId& company, BalanceTopup topup) = 0;
  virtual std::optional<BalanceTopup> topupBySession(db::Session& tx, const CompanyId& company,
                                                     const std::string& stripe_session_id) = 0;
  virtual PlatformCost addPlatformCost(db::Session& tx, const CompanyId& company,
                                       PlatformCost cost) = 0;
  virtual std::vector<PlatformCost> platformCosts(db::Session& tx, const CompanyId& company,
                                                  std::int64_t call_id) = 0;
  virtual Invoice saveInvoice(db::Session& tx, const CompanyId& company, Invoice invoice) = 0;
  virtual std::vector<Invoice> invoices(db::Session& tx, const CompanyId& company) = 0;
};

// Data shared by every tenant: exchange rates and pricing plans.
class BOOST_SYMBOL_VISIBLE ReferenceData {
 public:
  static constexpr const char* kServiceName = "domain.reference";
  virtual ~ReferenceData();

  // Inserts or replaces the rate of (base, quote, date).
  virtual void saveRate(db::Session& tx, const ExchangeRate& rate) = 0;
  // The latest rate published on or before `date` (YYYY-MM-DD).
  virtual std::optional<ExchangeRate> rate(db::Session& tx, const std::string& base,
                                           const std::string& quote, const std::string& date) = 0;
  virtual void savePlan(db::Session& tx, const PricingPlan& plan) = 0;
  virtual std::optional<PricingPlan> plan(db::Session& tx, const std::string& id) = 0;
};

}  // namespace switchboard::domain
