// A plugin built against other domain headers (switchboard/domain/version.h) but the same SDK
// ABI: the kernel refuses it, naming both versions.
#include <switchboard/sdk.h>

namespace {

class Outdated final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override { return {"outdated", "0.0.1", {}, {}}; }
  void configure(switchboard::Host&) override {}
};

}  // namespace

SWITCHBOARD_PLUGIN(Outdated)
extern "C" BOOST_SYMBOL_EXPORT const std::uint32_t switchboard_domain_version = 999;
