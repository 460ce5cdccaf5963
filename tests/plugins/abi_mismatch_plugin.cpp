// Exports the factory and an ABI version the kernel does not speak (what a plugin built
// against another SDK looks like), written out by hand instead of SWITCHBOARD_PLUGIN.
#include <switchboard/sdk.h>

namespace {

class Stale final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override { return {"stale", "0.0.1", {}, {}}; }
  void configure(switchboard::Host&) override {}
};

std::unique_ptr<switchboard::Plugin> make() {
  return std::make_unique<Stale>();
}

}  // namespace

extern "C" BOOST_SYMBOL_EXPORT const std::uint32_t switchboard_sdk_abi_version = 999;
BOOST_DLL_ALIAS(make, switchboard_create_plugin)
