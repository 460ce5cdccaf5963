// Notification figures (issue 12) against a fake Twilio (the SDK's FakeUpstream, a real HTTP
// server on loopback) and the real server with the shipped directory, twilio and notifications
// plugins, the example salon, SQLite: N booking.appointment_booked published at once (each its
// own appointment and customer); SMS per second through the outbox until the fake has them
// all, and the delay from each publish to its SMS request at the fake (p50, p99, max). The
// reference of the same run: N requests straight to the fake, one after the other.
//
//   build/bin/notify_load [notifications, default 500]
// Prints figures; it is not a pass/fail test.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "support/http_client.h"
#include "support/paths.h"
#include "support/secrets_key.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "switchboard/events/booking.h"
#include "switchboard/testing/fake_upstream.h"
#include "switchboard/time.h"

namespace {

using Clock = std::chrono::steady_clock;
using switchboard::testing::Reply;
const std::string kSid = "AC00000000000000000000000000000042", kZone = "Europe/Berlin";
const std::string kPath = "/2010-04-01/Accounts/" + kSid + "/Messages.json";

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

void percentiles(const char* what, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double p) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
  };
  std::printf("  %-26s n=%zu  p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", what, v.size(), at(0.5),
              at(0.99), v.back());
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::stoul(argv[1]) : 500;
  switchboard::testing::FakeUpstream twilio;
  std::atomic<int> sid{0};
  twilio.on("POST", kPath, [&](const switchboard::testing::RecordedRequest&) {
    return Reply::json(201, R"({"sid":"SM)" + std::to_string(++sid) + R"(","status":"queued"})");
  });

  sbtest::TempDir dir;
  std::filesystem::create_directories(dir.path() / "tenants");
  std::ifstream tenant_in(sbtest::sourceDir() + "/config/tenants/salon-mitte.yaml");
  std::stringstream tenant;
  tenant << tenant_in.rdbuf();
  std::string t = tenant.str();
  const auto q = t.find("    quiet_hours:");  // the bench runs at any hour
  if (q != std::string::npos) t.erase(q, t.find('\n', q) + 1 - q);
  std::ofstream(dir.path() / "tenants/salon-mitte.yaml") << t;
  std::ifstream shipped_in(sbtest::sourceDir() + "/config/switchboard.yaml");
  std::stringstream shipped;
  shipped << shipped_in.rdbuf();
  const auto all = shipped.str();
  const auto from = all.find("      templates:\n"), to = all.find("  hello:\n");

  std::string c = "server: { threads: 2 }\n";
  c += "plugin_dirs: [\"" + sbtest::pluginDir() + "\", \"" + sbtest::testPluginDir() + "\"]\n";
  c += "storage: { url: \"sqlite://" + (dir.path() / "sb.db").string() + "\" }\n";
  c += "inbox: { workers: 2, poll_ms: 20 }\nplugins:\n";
  c += "  directory: { library: directory, config: { tenants: \"" +
       (dir.path() / "tenants").string() + "\" } }\n";
  c += "  twilio: { library: twilio, config: { base_url: \"" + twilio.url() +
       "\", account_sid: \"" + kSid +
       "\", auth_token: \"bench\", from: \"+4930111111\", public_url: \"https://b.example\" } }\n";
  c += "  notifications:\n    library: notifications\n    config:\n      quiet_hours: none\n" +
       all.substr(from, to - from);
  c += "  probe: { library: probe }\nroutes:\n";
  c += "  - { method: POST, path: /publish, plugin: probe, handler: publish }\n";
  c += "events:\n  booking.appointment_booked: [ { handler: notifications.on_appointment, async: "
       "true } ]\n";
  std::ofstream(dir.path() / "c.yaml") << c;
  sbtest::ServerProcess server({sbtest::serverBinary(), "serve", "--config",
                                (dir.path() / "c.yaml").string(), "--listen", "127.0.0.1:0"},
                               {{"SWITCHBOARD_SECRETS_KEY", sbtest::kSecretsKey},
                                {"SALON_MITTE_CALCOM_KEY", "x"},
                                {"SALON_MITTE_CALCOM_WEBHOOK_SECRET", "x"}});
  const auto port = server.waitUntilListening();
  if (!port) {
    std::cerr << "the server did not start:\n" << server.output() << "\n";
    return 1;
  }

  std::printf("notify_load: %zu booking.appointment_booked → SMS at a fake Twilio (SQLite)\n", n);
  const auto start = std::chrono::system_clock::now() + std::chrono::hours(72);
  std::map<std::string, Clock::time_point> published;  // by customer number
  const auto begin = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    switchboard::events::AppointmentFacts f;
    f.appointment_id = static_cast<std::int64_t>(i + 1);
    f.company = "salon-mitte";
    f.branch = "mitte";
    f.customer_name = "Bench";
    f.customer_phone = "+4917000" + std::to_string(100000 + i);
    f.language = "de";
    f.service = "cut";
    f.start = std::chrono::time_point_cast<std::chrono::seconds>(start);
    f.end = f.start + std::chrono::minutes(30);
    f.time_zone = kZone;
    published[f.customer_phone] = Clock::now();
    const auto r = sbtest::request(
        *port, "POST", "/publish?topic=booking.appointment_booked&tenant=salon-mitte",
        switchboard::events::AppointmentBooked{f}.toJson(), {{"Content-Type", "application/json"}});
    if (r.status != 202) {
      std::cerr << "publish: " << r.status << " " << r.body << "\n";
      return 1;
    }
  }
  const auto got = twilio.waitFor("POST", kPath, n, std::chrono::minutes(5));
  const auto elapsed = Clock::now() - begin;
  if (got.size() < n) {
    std::cerr << "only " << got.size() << " of " << n << " SMS arrived\n" << server.output();
    return 1;
  }
  std::vector<double> delays;
  for (const auto& r : got) delays.push_back(ms(r.at - published[*r.formField("To")]));
  std::printf("  outbox: %zu SMS in %.0f ms = %.0f SMS/s\n", n, ms(elapsed),
              n / (ms(elapsed) / 1000.0));
  percentiles("booked event → SMS request", delays);

  // The reference: the same number of requests straight to the fake, one after the other.
  const auto ref_begin = Clock::now();
  for (std::size_t i = 0; i < n; ++i)
    switchboard::testing::httpRequest("POST", twilio.url() + kPath, "To=%2B49&Body=x",
                                      {{"Content-Type", "application/x-www-form-urlencoded"}});
  const auto ref = Clock::now() - ref_begin;
  std::printf("  reference (direct to the fake, serial): %.0f requests/s\n",
              n / (ms(ref) / 1000.0));
  return 0;
}
