// The kernel's test double for a real plugin: handlers that echo, throw, wait, publish and
// record, so tests can observe every kernel mechanism from outside over HTTP.
//
// config: greeting (string), fail_in (configure|start), secret (string, logged on purpose)
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <switchboard/sdk.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "probe_service.h"

namespace {

using switchboard::HttpRequest;
using switchboard::HttpResponse;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, const std::string& s) {
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

class SimpleCounter final : public probe::Counter {
 public:
  long next() override { return ++n_; }

 private:
  std::atomic<long> n_{0};
};

class ProbePlugin final : public switchboard::Plugin {
 public:
  switchboard::PluginInfo info() const override {
    return {"probe", "2.3.4", {probe::Counter::kServiceName}, {}};
  }

  void configure(switchboard::Host& host) override {
    const YAML::Node& config = host.config();
    for (const auto& kv : config) {
      const auto key = kv.first.Scalar();
      if (key != "greeting" && key != "fail_in" && key != "secret")
        throw switchboard::ConfigError(kv.first, "probe does not know the key '" + key + "'");
    }
    greeting_ = config["greeting"] ? config["greeting"].as<std::string>() : "hi";
    fail_in_ = config["fail_in"] ? config["fail_in"].as<std::string>() : "";
    if (config["secret"])
      host.log()->info("probe configured with secret {}", config["secret"].as<std::string>());
    if (fail_in_ == "configure") throw std::runtime_error("probe was told to fail in configure");

    host.services().provide<probe::Counter>(std::make_shared<SimpleCounter>());
    bus_ = &host.events();

    host.http().handler("echo", [this](const HttpRequest& r) { return echo(r); });
    host.http().handler(
        "boom", [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("kaboom"); });
    host.http().handler("slow", [log = host.log()](const HttpRequest& r) {
      // Holds the request in flight for `ms`; the log line tells tests it is being handled.
      const int ms = std::stoi(std::string(r.queryParam("ms").value_or("200")));
      log->info("slow request {} started", r.request_id);
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      return HttpResponse::text(200, "slow done");
    });
    // An upstream handler that waits until /open is asked (at most 10 s); /gate-waiting says
    // how many wait. Served off the reactor thread, so the other two still answer meanwhile.
    host.http().upstreamHandler("gate", [this](const HttpRequest&) {
      std::unique_lock lock(gate_mutex_);
      ++gate_waiting_;
      const bool opened =
          gate_cv_.wait_for(lock, std::chrono::seconds(10), [this] { return gate_open_; });
      --gate_waiting_;
      return opened ? HttpResponse::text(200, "opened")
                    : HttpResponse::text(504, "the gate was never opened");
    });
    host.http().handler("gate_waiting", [this](const HttpRequest&) {
      std::lock_guard lock(gate_mutex_);
      return HttpResponse::text(200, std::to_string(gate_waiting_));
    });
    host.http().handler("open", [this](const HttpRequest&) {
      {
        std::lock_guard lock(gate_mutex_);
        gate_open_ = true;
      }
      gate_cv_.notify_all();
      return HttpResponse::text(200, "open");
    });
    host.http().handler("publish", [this](const HttpRequest& r) {
      switchboard::Event event;
      event.topic = std::string(r.queryParam("topic").value_or("probe.poked"));
      event.payload = r.body.empty() ? "{}" : r.body;
      event.tenant = std::string(r.queryParam("tenant").value_or(""));
      const auto id = bus_->publish(std::move(event));
      return HttpResponse::json(202, R"({"id":")" + id + R"("})");
    });
    host.http().handler("events", [this](const HttpRequest&) { return recorded(); });
    host.http().handler("time", [&host](const HttpRequest&) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          host.clock().now().time_since_epoch())
                          .count();
      return HttpResponse::json(200, R"({"now_ms":)" + std::to_string(ms) + "}");
    });
    // Calls ?url= through host.client(): ?method=, ?tenant=, ?key= (idempotency key).
    host.http().handler("fetch", [&host](const HttpRequest& r) {
      switchboard::OutboundRequest out(std::string(r.queryParam("method").value_or("GET")),
                                       std::string(r.queryParam("url").value_or("")));
      out.tenant = std::string(r.queryParam("tenant").value_or(""));
      out.idempotency_key = std::string(r.queryParam("key").value_or(""));
      const auto response = host.client().send(out);
      return HttpResponse::json(
          200, R"({"status":)" + std::to_string(response.status) + R"(,"bytes":)" +
                   std::to_string(response.body.size()) + R"(,"attempts":)" +
                   std::to_string(response.attempts) + R"(,"timed_out":)" +
                   (response.timed_out ? "true" : "false") + R"(,"circuit_open":)" +
                   (response.circuit_open ? "true" : "false") + "}");
    });
    host.healthCheck("recorder", [this] {
      std::lock_guard lock(mutex_);
      return switchboard::HealthStatus{
          true, {{"events_recorded", static_cast<double>(events_.size())}}, {}, {}};
    });

    host.events().handler("record", [this](const switchboard::Event& e) {
      std::lock_guard lock(mutex_);
      events_.push_back(e);
    });
    host.events().handler("explode", [](const switchboard::Event&) {
      throw std::runtime_error("handler exploded on purpose");
    });
  }

  void start() override {
    if (fail_in_ == "start") throw std::runtime_error("probe was told to fail in start");
  }

 private:
  HttpResponse echo(const HttpRequest& r) const {
    rapidjson::StringBuffer out;
    Writer w(out);
    w.StartObject();
    w.Key("greeting");
    str(w, greeting_);
    w.Key("method");
    str(w, r.method);
    w.Key("path");
    str(w, r.path);
    w.Key("params");
    w.StartObject();
    for (const auto& [k, v] : r.params) {
      str(w, k);
      str(w, v);
    }
    w.EndObject();
    w.Key("query");
    w.StartObject();
    for (const auto& [k, v] : r.query) {
      str(w, k);
      str(w, v);
    }
    w.EndObject();
    w.Key("query_pairs");  // every pair in arrival order, repeats kept
    w.StartArray();
    for (const auto& [k, v] : r.query) {
      w.StartArray();
      str(w, k);
      str(w, v);
      w.EndArray();
    }
    w.EndArray();
    w.Key("target");
    str(w, r.target);
    w.Key("body");
    str(w, r.body.size() <= 256 ? r.body : std::string());
    w.Key("body_bytes");
    w.Uint64(r.body.size());
    w.Key("x_test");
    str(w, std::string(r.header("X-Test").value_or("")));
    w.Key("request_id");
    str(w, r.request_id);
    w.EndObject();
    return HttpResponse::json(200, out.GetString());
  }

  HttpResponse recorded() {
    rapidjson::StringBuffer out;
    Writer w(out);
    std::lock_guard lock(mutex_);
    w.StartArray();
    for (const auto& e : events_) {
      w.StartObject();
      w.Key("topic");
      str(w, e.topic);
      w.Key("id");
      str(w, e.id);
      w.Key("tenant");
      str(w, e.tenant);
      w.Key("payload");
      str(w, e.payload);
      w.Key("time_ms");
      w.Int64(
          std::chrono::duration_cast<std::chrono::milliseconds>(e.time.time_since_epoch()).count());
      w.EndObject();
    }
    w.EndArray();
    return HttpResponse::json(200, out.GetString());
  }

  std::string greeting_;
  std::string fail_in_;
  switchboard::EventBus* bus_ = nullptr;
  std::mutex mutex_;
  std::vector<switchboard::Event> events_;
  std::mutex gate_mutex_;
  std::condition_variable gate_cv_;
  bool gate_open_ = false;
  int gate_waiting_ = 0;
};

}  // namespace

SWITCHBOARD_PLUGIN(ProbePlugin)
