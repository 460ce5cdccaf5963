// The SDK's binary contract: the version a plugin was built against and the export macro.
#pragma once

#include <boost/config.hpp>
#include <boost/dll/alias.hpp>
#include <cstdint>
#include <memory>

namespace switchboard {

// Bump whenever a change to an SDK header outside switchboard/domain/ (versioned by
// kDomainVersion, switchboard/domain/version.h) alters layout or vtables. The kernel refuses a
// plugin whose exported version differs from its own.
inline constexpr std::uint32_t kSdkAbiVersion = 9;  // 9: db::Session in handlers

inline constexpr const char* kAbiSymbol = "switchboard_sdk_abi_version";
inline constexpr const char* kFactorySymbol = "switchboard_create_plugin";

class Plugin;
using PluginFactory = std::unique_ptr<Plugin>();

}  // namespace switchboard

// Exports a plugin class from a shared library. Use once per library, at namespace scope:
//   SWITCHBOARD_PLUGIN(my::HelloPlugin)
#define SWITCHBOARD_PLUGIN(PluginClass)                                            \
  extern "C" BOOST_SYMBOL_EXPORT const std::uint32_t switchboard_sdk_abi_version = \
      ::switchboard::kSdkAbiVersion;                                               \
  namespace {                                                                      \
  std::unique_ptr<::switchboard::Plugin> switchboard_plugin_factory() {            \
    return std::make_unique<PluginClass>();                                        \
  }                                                                                \
  }                                                                                \
  BOOST_DLL_ALIAS(switchboard_plugin_factory, switchboard_create_plugin)
