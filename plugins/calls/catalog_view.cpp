#include "catalog_view.h"

#include <algorithm>
#include <set>

#include "switchboard/db.h"
#include "switchboard/phone.h"

namespace calls {

const BranchView* CompanyView::findBranch(const std::string& id) const {
  for (const auto& b : branches)
    if (b.branch.id == id) return &b;
  return nullptr;
}

const CompanyView* CatalogView::findCompany(const std::string& id) const {
  const auto it = companies.find(id);
  return it == companies.end() ? nullptr : &it->second;
}

std::shared_ptr<const CatalogView> CatalogCache::get(switchboard::db::Session* within) {
  return cache_.get([&] { return load(within); });
}

std::shared_ptr<const CatalogView> CatalogCache::load(switchboard::db::Session* within) {
  if (!within) return store_.database().read([&](switchboard::db::Session& s) { return load(&s); });
  auto* db = within;
  auto view = std::make_shared<CatalogView>();
  std::set<std::string> regions;
  for (auto& company : directory_.adminCompanies(*db)) {
    CompanyView c;
    c.company = company;
    for (auto& b : directory_.branches(*db, company.id)) {
      BranchView bv{b, directory_.workingHours(*db, company.id, b.id)};
      c.branches.push_back(std::move(bv));
    }
    c.services = directory_.services(*db, company.id);
    c.staff = directory_.staff(*db, company.id);
    if (auto it = company.settings.find("booking_min_confidence"); it != company.settings.end()) {
      try {
        c.booking_min_confidence = std::stod(it->second);
      } catch (const std::exception&) {
      }
    }
    for (auto& n : directory_.phoneNumbers(*db, company.id))
      if (n.active) view->numbers[n.e164].push_back(n);
    if (!company.country.empty()) regions.insert(company.country);
    view->companies.emplace(company.id, std::move(c));
  }
  view->regions.assign(regions.begin(), regions.end());
  return view;
}

NumberResolution resolveNumber(const CatalogView& catalog, const std::string& text) {
  NumberResolution out;
  out.input = text;
  const auto readings = switchboard::phone::readings(text, catalog.regions);
  if (readings.empty()) {
    out.reason = "not a phone number";
    return out;
  }
  struct Owner {
    const domain::PhoneNumber* number;
    std::string e164;
  };
  std::vector<Owner> owners;
  for (const auto& r : readings) {
    const auto it = catalog.numbers.find(r);
    if (it == catalog.numbers.end()) continue;
    for (const auto& n : it->second) {
      const bool seen = std::any_of(owners.begin(), owners.end(), [&](const Owner& o) {
        return o.number->company_id == n.company_id && o.number->branch_id == n.branch_id;
      });
      if (!seen) owners.push_back({&n, r});
    }
  }
  if (owners.empty()) {
    out.e164 = readings.size() == 1 ? std::optional(readings[0]) : std::nullopt;
    out.reason = "matches no active branch (read as " + [&] {
      std::string all;
      for (const auto& r : readings) all += (all.empty() ? "" : ", ") + r;
      return all;
    }() + ")";
    return out;
  }
  if (owners.size() > 1) {
    std::string all;
    for (const auto& o : owners)
      all += (all.empty() ? "" : ", ") + o.e164 + " → " + o.number->company_id + "/" +
             o.number->branch_id;
    out.reason = "matches more than one branch (" + all + "): not guessed";
    return out;
  }
  const auto& owner = owners[0];
  out.e164 = owner.e164;
  const CompanyView* company = catalog.findCompany(owner.number->company_id);
  if (!company) {
    out.reason = "owned by inactive company " + owner.number->company_id;
    return out;
  }
  if (!company->company.retell_enabled) {
    out.reason = "company " + company->company.id + " has its voice integration disabled";
    return out;
  }
  out.company = company;
  out.branch = owner.number->branch_id;
  out.agent = owner.number->retell_agent_id.empty() ? company->company.retell_agent_id
                                                    : owner.number->retell_agent_id;
  out.reason = readings.size() == 1
                   ? "exact E.164 match"
                   : "one of " + std::to_string(readings.size()) + " readings matches exactly";
  return out;
}

}  // namespace calls
