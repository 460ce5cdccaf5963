// Two small companies for catalog and repository tests. Both use the same slugs for their
// branch, service and staff member ("main", "cut", "ann"), so a query that forgets the company
// would find the other one's rows.
#pragma once

#include <cstdlib>
#include <string>

#include "support/secrets_key.h"
#include "support/temp_dir.h"

namespace sbtest {

inline const char* kAlphaCalcomKey = "cal_live_alpha_0123456789";
inline const char* kBetaCalcomKey = "cal_live_beta_9876543210";

inline std::string alphaCompany() {
  return "company:\n"
         "  id: alpha\n"
         "  name: Alpha GmbH\n"
         "  currency: EUR\n"
         "  language: de\n"
         "  country: DE\n"
         "  settings: { min_confidence: 0.8, greeting: \"Hallo, Alpha\" }\n"
         "  calcom: { api_key: \"${ALPHA_CALCOM_KEY}\", team_id: 1 }\n"
         "branches:\n"
         "  - { id: main, name: Alpha Main, timezone: Europe/Berlin, phone_numbers: [\"+49 30 "
         "1111111\"],\n"
         "      working_hours: { mon: [\"09:00-17:00\"] } }\n"
         "services:\n"
         "  - { id: cut, name: Schnitt, duration_min: 30, price: \"30.00\", branches: [main], "
         "staff: [ann] }\n"
         "staff:\n"
         "  - { id: ann, name: Ann Alpha, branches: [main] }\n";
}

inline std::string betaCompany() {
  return "company:\n"
         "  id: beta\n"
         "  name: Beta LLC\n"
         "  currency: USD\n"
         "  language: en\n"
         "  calcom: { api_key: \"${BETA_CALCOM_KEY}\", team_id: 2 }\n"
         "branches:\n"
         "  - { id: main, name: Beta Main, timezone: America/New_York, phone_numbers: [\"+1 212 "
         "555 0111\"],\n"
         "      working_hours: { tue: [\"10:00-18:00\"] } }\n"
         "services:\n"
         "  - { id: cut, name: Cut, duration_min: 45, price: \"40.00\", branches: [main], staff: "
         "[ann] }\n"
         "staff:\n"
         "  - { id: ann, name: Ann Beta, branches: [main] }\n";
}

// The main-config lines that load the directory over `tenants_dir` with storage at `url`.
inline std::string directoryConfig(const std::string& url, const std::string& tenants_dir) {
  return "storage: { url: \"" + url +
         "\" }\n"
         "inbox: { workers: 0 }\n"
         "plugins:\n"
         "  directory: { library: directory, config: { tenants: \"" +
         tenants_dir + "\" } }\n";
}

inline std::optional<std::string> tenantEnv(const std::string& name) {
  if (name == "ALPHA_CALCOM_KEY") return kAlphaCalcomKey;
  if (name == "BETA_CALCOM_KEY") return kBetaCalcomKey;
  if (const char* v = std::getenv(name.c_str())) return std::string(v);
  return std::nullopt;
}

}  // namespace sbtest
