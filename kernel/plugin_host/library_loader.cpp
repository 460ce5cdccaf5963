#include "plugin_host/library_loader.h"

#include <boost/dll/shared_library.hpp>
#include <map>
#include <mutex>

#include "switchboard/domain/version.h"

namespace switchboard::kernel::plugins {

LoadedLibrary openPluginLibrary(const std::string& path) {
  static std::mutex mutex;
  // Deliberately leaked: destroying it at exit would dlclose libraries whose objects may still
  // be alive in static destructors.
  static auto* open =
      new std::map<std::string, std::pair<boost::dll::shared_library, LoadedLibrary>>;

  std::lock_guard lock(mutex);
  if (auto it = open->find(path); it != open->end()) return it->second.second;

  boost::dll::shared_library lib;
  try {
    lib.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    throw LoadError(path + ": cannot load plugin library: " + e.what());
  }
  if (!lib.has(switchboard::kAbiSymbol) || !lib.has(switchboard::kFactorySymbol))
    throw LoadError(path + ": not a Switchboard plugin (no SWITCHBOARD_PLUGIN export)");

  LoadedLibrary loaded;
  loaded.path = path;
  loaded.abi = lib.get<const std::uint32_t>(switchboard::kAbiSymbol);
  if (loaded.abi != switchboard::kSdkAbiVersion)
    throw LoadError(path + ": plugin was built for SDK ABI version " + std::to_string(loaded.abi) +
                    ", this kernel provides ABI version " +
                    std::to_string(switchboard::kSdkAbiVersion) + "; rebuild it");
  if (lib.has(switchboard::domain::kDomainSymbol)) {
    const auto domain = lib.get<const std::uint32_t>(switchboard::domain::kDomainSymbol);
    if (domain != switchboard::domain::kDomainVersion)
      throw LoadError(path + ": plugin uses domain types of version " + std::to_string(domain) +
                      ", this kernel's plugins share version " +
                      std::to_string(switchboard::domain::kDomainVersion) + "; rebuild it");
  }
  loaded.factory = &lib.get_alias<switchboard::PluginFactory>(switchboard::kFactorySymbol);
  open->emplace(path, std::make_pair(std::move(lib), loaded));
  return loaded;
}

}  // namespace switchboard::kernel::plugins
