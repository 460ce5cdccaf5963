// The tenants' catalog as admins write it: one YAML file per company (see config/tenants/),
// read and validated whole before anything is applied.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "switchboard/config/diagnostic.h"
#include "switchboard/domain/catalog.h"
#include "switchboard/domain/company.h"

namespace directory {

namespace domain = switchboard::domain;
using switchboard::config::Diagnostic;
using switchboard::config::Position;

struct CompanyEntry {
  std::string file;
  Position id_at;
  domain::Company company;
  std::vector<domain::Branch> branches;
  std::vector<domain::PhoneNumber> numbers;
  std::vector<Position> number_at;  // beside `numbers`
  std::vector<domain::WorkingHour> hours;
  std::vector<domain::Service> services;
  std::vector<domain::Staff> staff;
  std::map<std::string, std::string> secrets;  // name → plaintext, e.g. calcom.api_key
};

struct Catalog {
  std::vector<CompanyEntry> companies;  // in file name order
  bool hasSecrets() const;
};

// Reads every *.yaml / *.yml file in `dir` with `read` (the host's config-file reader: ${ENV}
// expanded) and validates the whole; throws switchboard::config::ConfigInvalid listing every
// problem as file:line:col.
Catalog loadCatalog(const std::string& dir,
                    const std::function<YAML::Node(const std::string&)>& read);

// One company file, already parsed; problems are appended.
CompanyEntry readCompany(const YAML::Node& root, const std::string& file,
                         std::vector<Diagnostic>& problems);

}  // namespace directory
