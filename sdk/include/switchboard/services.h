// A typed registry through which plugins reach each other without linking to each other.
#pragma once

#include <boost/config.hpp>
#include <memory>
#include <stdexcept>
#include <string>

namespace switchboard {

// A service interface names itself:  static constexpr const char* kServiceName = "sms.sender";
// Lookups go by that name, never by RTTI, which is not reliable across shared libraries.
class BOOST_SYMBOL_VISIBLE ServiceRegistry {
 public:
  virtual ~ServiceRegistry();

  template <class T>
  void provide(std::shared_ptr<T> service) {
    provideRaw(T::kServiceName, std::static_pointer_cast<void>(std::move(service)));
  }
  template <class T>
  std::shared_ptr<T> find() const {
    return std::static_pointer_cast<T>(findRaw(T::kServiceName));
  }
  template <class T>
  T& get() const {
    auto service = find<T>();
    if (!service) throw std::runtime_error(std::string("no plugin provides ") + T::kServiceName);
    return *service;
  }

  // Throws when the name is already provided.
  virtual void provideRaw(const std::string& name, std::shared_ptr<void> service) = 0;
  virtual std::shared_ptr<void> findRaw(const std::string& name) const = 0;
};

}  // namespace switchboard
