// Time as plugins see it: injectable so tests can set it.
#pragma once

#include <boost/config.hpp>
#include <chrono>

namespace switchboard {

using TimePoint = std::chrono::system_clock::time_point;  // always UTC

class BOOST_SYMBOL_VISIBLE Clock {
 public:
  virtual ~Clock();
  virtual TimePoint now() const = 0;
};

}  // namespace switchboard
