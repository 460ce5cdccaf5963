// The domain headers (switchboard/domain/*) are versioned apart from the SDK's ABI: a new field
// in a domain struct bumps kDomainVersion, and only plugins that declared they use the domain
// types (SWITCHBOARD_USES_DOMAIN) must be rebuilt; a plugin that never touches them keeps
// loading. Typed events travel as JSON and need no version (fields are only added).
#pragma once

#include <boost/config.hpp>
#include <cstdint>

namespace switchboard::domain {

// Bump whenever a struct or interface in switchboard/domain/ changes layout or vtable.
inline constexpr std::uint32_t kDomainVersion = 2;  // 2: repositories take db::Session
inline constexpr const char* kDomainSymbol = "switchboard_domain_version";

}  // namespace switchboard::domain

// In a plugin that uses switchboard/domain/ types across plugins (the directory's services):
// once per library, at namespace scope, beside SWITCHBOARD_PLUGIN.
#define SWITCHBOARD_USES_DOMAIN()                                                 \
  extern "C" BOOST_SYMBOL_EXPORT const std::uint32_t switchboard_domain_version = \
      ::switchboard::domain::kDomainVersion;
