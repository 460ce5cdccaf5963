// The service this plugin offers other plugins (found through host.services(), never linked).
#pragma once

#include <optional>
#include <string>

namespace acme {

class ParcelStatus {
 public:
  static constexpr const char* kServiceName = "acme.parcel_status";
  virtual ~ParcelStatus() = default;
  // The last status a webhook reported for the parcel; nullopt when none came.
  virtual std::optional<std::string> status(const std::string& parcel) = 0;
};

}  // namespace acme
