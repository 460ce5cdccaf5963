// The smallest useful plugin: one HTTP handler, one event it publishes, one it handles.
//
//   plugins:
//     hello: { library: hello, config: { greeting: "Hello" } }
//   routes:
//     - { method: GET, path: /hello, plugin: hello, handler: greet }
//   events:
//     hello.greeted: [ hello.count ]
#include <switchboard/sdk.h>

#include <atomic>

namespace {

class HelloPlugin final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override { return {"hello", "1.0.0", {}, {}}; }

  void configure(switchboard::Host& host) override {
    const YAML::Node& config = host.config();
    if (config["greeting"] && !config["greeting"].IsScalar())
      throw switchboard::ConfigError(config["greeting"], "greeting must be a string");
    greeting_ = config["greeting"] ? config["greeting"].as<std::string>() : "Hello";
    log_ = host.log();
    events_ = &host.events();

    host.http().handler("greet", [this](const switchboard::HttpRequest& request) {
      const std::string name{request.queryParam("name").value_or("world")};
      switchboard::Event event;
      event.topic = "hello.greeted";
      event.payload = R"({"count":)" + std::to_string(greeted_.load() + 1) + "}";
      events_->publish(std::move(event));
      return switchboard::HttpResponse::json(
          200, R"({"message":")" + escape(greeting_ + ", " + name + "!") + R"("})");
    });
    host.events().handler("count", [this](const switchboard::Event& event) {
      const auto n = ++greeted_;
      if (n % 1000 == 1) log_->info("greeted {} times (event {})", n, event.id);
    });
  }

 private:
  static std::string escape(const std::string& in) {
    std::string out;
    for (char c : in) {
      if (c == '"' || c == '\\') out += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    return out;
  }

  std::string greeting_;
  std::shared_ptr<spdlog::logger> log_;
  switchboard::EventBus* events_ = nullptr;
  std::atomic<long> greeted_{0};
};

}  // namespace

SWITCHBOARD_PLUGIN(HelloPlugin)
