#include "services/service_registry.h"

#include <stdexcept>

namespace switchboard::kernel::services {

void ServiceRegistryImpl::provideRaw(const std::string& name, std::shared_ptr<void> service) {
  if (!service) throw std::invalid_argument("service '" + name + "' provided as null");
  std::lock_guard lock(mutex_);
  if (!services_.emplace(name, std::move(service)).second)
    throw std::runtime_error("service '" + name + "' is already provided");
}

std::shared_ptr<void> ServiceRegistryImpl::findRaw(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = services_.find(name);
  return it == services_.end() ? nullptr : it->second;
}

void ServiceRegistryImpl::clear() {
  std::lock_guard lock(mutex_);
  services_.clear();
}

}  // namespace switchboard::kernel::services
