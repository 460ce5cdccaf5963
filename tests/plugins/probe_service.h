// A service the probe plugin provides and the needy plugin uses: reaching another plugin
// only through an interface and the ServiceRegistry.
#pragma once

#include <boost/config.hpp>

namespace probe {

class BOOST_SYMBOL_VISIBLE Counter {
 public:
  static constexpr const char* kServiceName = "probe.counter";
  virtual ~Counter() = default;
  virtual long next() = 0;
};

}  // namespace probe
