// The kernel's ServiceRegistry: a name → object map shared by every plugin.
#pragma once

#include <map>
#include <mutex>

#include "switchboard/services.h"

namespace switchboard::kernel::services {

class ServiceRegistryImpl final : public switchboard::ServiceRegistry {
 public:
  void provideRaw(const std::string& name, std::shared_ptr<void> service) override;
  std::shared_ptr<void> findRaw(const std::string& name) const override;
  // Drops every service before plugins are destroyed (their code must outlive their objects).
  void clear();

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<void>> services_;
};

}  // namespace switchboard::kernel::services
