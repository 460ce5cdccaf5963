// What the calls feature needs of the tenants' catalog, read once and shared by every request
// until it is `max_age` old: the inbound webhook must answer within milliseconds, and the
// catalog changes only when an admin reloads it.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/domain/repositories.h"
#include "switchboard/store.h"
#include "switchboard/ttl_cache.h"

namespace calls {

namespace domain = switchboard::domain;

struct BranchView {
  domain::Branch branch;
  std::vector<domain::WorkingHour> hours;
};

struct CompanyView {
  domain::Company company;
  std::vector<BranchView> branches;
  std::vector<domain::Service> services;
  std::vector<domain::Staff> staff;
  double booking_min_confidence = 0.8;
  const BranchView* findBranch(const std::string& id) const;
};

struct CatalogView {
  std::map<std::string, CompanyView> companies;
  std::map<std::string, std::vector<domain::PhoneNumber>> numbers;  // E.164 → its owners
  std::vector<std::string> regions;  // the companies' countries: regions for national numbers
  const CompanyView* findCompany(const std::string& id) const;
};

class CatalogCache {
 public:
  CatalogCache(switchboard::Store& store, domain::Directory& directory,
               std::chrono::milliseconds max_age)
      : store_(store), directory_(directory), cache_(max_age) {}
  // `within`: a transaction the caller holds, read through when the view must be (re)loaded
  // rather than leasing a second pooled connection while holding one.
  std::shared_ptr<const CatalogView> get(switchboard::db::Session* within = nullptr);

 private:
  std::shared_ptr<const CatalogView> load(switchboard::db::Session* within);
  switchboard::Store& store_;
  domain::Directory& directory_;
  switchboard::TtlCache<CatalogView> cache_;
};

// Where a dialled number leads. Never a guess: no owner, or more than one, is unassigned.
struct NumberResolution {
  std::string input;
  std::optional<std::string> e164;
  const CompanyView* company = nullptr;  // null: unassigned
  std::string branch;
  std::string agent;  // the number's own agent, else the company's
  std::string reason;
};

NumberResolution resolveNumber(const CatalogView& catalog, const std::string& text);

}  // namespace calls
