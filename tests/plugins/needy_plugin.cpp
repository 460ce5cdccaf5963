// Needs the probe's counter service: the kernel must configure the probe first even when YAML
// lists this plugin before it.
#include <switchboard/sdk.h>

#include "probe_service.h"

namespace {

class NeedyPlugin final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override {
    return {"needy", "0.1.0", {}, {probe::Counter::kServiceName}};
  }
  void configure(switchboard::Host& host) override {
    counter_ = host.services().find<probe::Counter>();
    if (!counter_) throw std::runtime_error("probe.counter is not there yet");
    host.http().handler("count", [this](const switchboard::HttpRequest&) {
      return switchboard::HttpResponse::json(
          200, R"({"count":)" + std::to_string(counter_->next()) + "}");
    });
  }

 private:
  std::shared_ptr<probe::Counter> counter_;
};

}  // namespace

SWITCHBOARD_PLUGIN(NeedyPlugin)
