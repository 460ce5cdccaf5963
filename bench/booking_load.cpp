// Booking figures (issue 11) against the fake Cal.com of the tests (a real HTTP server on
// loopback, tests/support/fake_calcom.h) and the real server with the shipped plugins, the
// example salon, SQLite:
//  1. bookings per second: N calls.booking_requested published at once, each for its own free
//     slot; the time until all are booked, and Cal.com requests per booking (slots + creates);
//     the same requests made straight to the fake Cal.com, one after the other, as the
//     reference of this run;
//  2. the agent's tool functions while Cal.com answers in L ms: check_availability (each a day
//     of its own: a cache miss) and book_appointment, from 4 callers at once; p50/p99/max.
//
//   build/bin/booking_load [bookings, default 400] [tool calls, default 200] [latency ms, 100]
// Prints figures; it is not a pass/fail test.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "retell_signature.h"
#include "support/fake_calcom.h"
#include "support/http_client.h"
#include "support/paths.h"
#include "support/secrets_key.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "support/test_database.h"
#include "switchboard/events/calls.h"
#include "switchboard/time.h"

namespace {

namespace time = switchboard::time;
using Clock = std::chrono::steady_clock;
const std::string kZone = "Europe/Berlin", kRetellKey = "bench-retell-key", kCalKey = "cal_bench";
constexpr long long kCut = 101;

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

long long nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Free 30-minute starts on the salon's open weekdays (Tue-Fri 09:00-17:30), from 3 days on.
std::vector<switchboard::TimePoint> freeStarts(std::size_t n) {
  std::vector<switchboard::TimePoint> out;
  auto day = std::chrono::system_clock::now() + std::chrono::hours(72);
  while (out.size() < n) {
    const auto local = time::toLocal(day, kZone);
    if (local.weekday >= 2 && local.weekday <= 5)
      for (int m = 9 * 60; m < 18 * 60 && out.size() < n; m += 30) {
        char hhmm[8];
        std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", m / 60, m % 60);
        out.push_back(*time::fromLocal(local.date, hhmm, kZone));
      }
    day += std::chrono::hours(24);
  }
  return out;
}

void percentiles(const char* what, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double p) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
  };
  std::printf("  %-22s n=%zu  p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", what, v.size(), at(0.5),
              at(0.99), v.back());
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t bookings = argc > 1 ? std::stoul(argv[1]) : 400;
  const std::size_t tools = argc > 2 ? std::stoul(argv[2]) : 200;
  const int latency = argc > 3 ? std::stoi(argv[3]) : 100;

  sbtest::FakeCalcom calcom(kCalKey, 4711, {kCut});
  const auto starts = freeStarts(bookings + tools);
  for (const auto& t : starts) calcom.addFree(kCut, t);

  sbtest::TempDir dir;
  std::filesystem::create_directories(dir.path() / "tenants");
  std::filesystem::copy_file(sbtest::sourceDir() + "/config/tenants/salon-mitte.yaml",
                             dir.path() / "tenants/salon-mitte.yaml");
  const std::string url = "sqlite://" + (dir.path() / "sb.db").string();
  std::string c = "server: { threads: 2 }\n";  // logging at info: the "listening on" line
  c += "plugin_dirs: [\"" + sbtest::pluginDir() + "\", \"" + sbtest::testPluginDir() + "\"]\n";
  c += "storage: { url: \"" + url + "\" }\ninbox: { workers: 2, poll_ms: 20 }\nplugins:\n";
  c += "  directory: { library: directory, config: { tenants: \"" +
       (dir.path() / "tenants").string() + "\" } }\n";
  c += "  retell: { library: retell, config: { api_key: \"" + kRetellKey + "\" } }\n";
  c += "  calls: { library: calls }\n";
  // Our own 120/min limit is off: the fake has none, and the bench asks for more.
  c += "  calcom: { library: calcom, config: { base_url: \"" + calcom.url() +
       "\", requests_per_minute: 0 } }\n";
  c += "  booking: { library: booking, config: { horizon_days: 1 } }\n";
  c += "  probe: { library: probe }\nroutes:\n";
  c += "  - { method: POST, path: \"/retell/functions/{name}\", plugin: retell, handler: function "
       "}\n";
  c += "  - { method: POST, path: /publish, plugin: probe, handler: publish }\n";
  c += "events:\n  calls.booking_requested: [ { handler: booking.on_booking_requested, async: true "
       "} ]\n";
  std::ofstream(dir.path() / "c.yaml") << c;
  sbtest::ServerProcess server({sbtest::serverBinary(), "serve", "--config",
                                (dir.path() / "c.yaml").string(), "--listen", "127.0.0.1:0"},
                               {{"SWITCHBOARD_SECRETS_KEY", sbtest::kSecretsKey},
                                {"SALON_MITTE_CALCOM_KEY", kCalKey},
                                {"SALON_MITTE_CALCOM_WEBHOOK_SECRET", "bench"}});
  const auto port = server.waitUntilListening();
  if (!port) {
    std::cerr << "the server did not start:\n" << server.output() << "\n";
    return 1;
  }

  // ---- 1. bookings per second ----
  std::printf("booking_load: %zu bookings, %zu tool calls, Cal.com latency %d ms in part 2\n",
              bookings, tools, latency);
  const auto begin = Clock::now();
  for (std::size_t i = 0; i < bookings; ++i) {
    switchboard::events::BookingRequested r;
    r.company = "salon-mitte";
    r.branch = "mitte";
    r.call = {"retell", "bench_call_" + std::to_string(i)};
    r.customer_name = "Bench Caller";
    r.customer_phone = "+4917000" + std::to_string(100000 + i);
    r.language = "de";
    r.service = "cut";
    r.requested_start = starts[i];
    r.time_zone = kZone;
    const auto l = time::toLocal(starts[i], kZone);
    r.start_local = l.date + "T" + l.time;
    r.confidence = 0.9;
    const auto reply = sbtest::request(
        *port, "POST", "/publish?topic=calls.booking_requested&tenant=salon-mitte", r.toJson());
    if (reply.status != 202) {
      std::cerr << "publish: " << reply.status << " " << reply.body << "\n";
      return 1;
    }
  }
  const auto published = Clock::now();
  long long booked = 0, failed = 0;
  for (;;) {
    auto db = sbtest::openDatabase(url);
    db << "SELECT COUNT(*) FROM booking_requests WHERE status = 'booked'", soci::into(booked);
    db << "SELECT COUNT(*) FROM booking_requests WHERE status IN ('failed', 'offered', "
          "'alternative_booked')",
        soci::into(failed);
    if (booked + failed >= static_cast<long long>(bookings)) break;
    if (Clock::now() - begin > std::chrono::minutes(10)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto done = Clock::now();
  const auto slot_reads = calcom.upstream().requests("GET", "/v2/slots").size();
  const auto creates = calcom.upstream().requests("POST", "/v2/bookings").size();
  std::printf(
      "  booked %lld of %zu (other outcomes %lld); published in %.0f ms, all booked after "
      "%.0f ms: %.0f bookings/s\n",
      booked, bookings, failed, ms(published - begin), ms(done - begin),
      booked / (ms(done - begin) / 1000.0));
  std::printf("  Cal.com requests per booking: %.2f (%zu slots reads, %zu creates)\n",
              static_cast<double>(slot_reads + creates) / std::max<long long>(1, booked),
              slot_reads, creates);
  // Reference: the same two requests per booking straight to the fake, one after the other.
  {
    sbtest::FakeCalcom direct(kCalKey, 4711, {kCut});
    const auto free = freeStarts(bookings);
    for (const auto& t : free) direct.addFree(kCut, t);
    const auto dport = static_cast<std::uint16_t>(std::stoi(direct.url().substr(17)));
    const std::vector<std::pair<std::string, std::string>> headers = {
        {"Authorization", "Bearer " + kCalKey}, {"Content-Type", "application/json"}};
    const auto t0 = Clock::now();
    for (const auto& t : free) {
      auto h = headers;
      h.push_back({"cal-api-version", "2024-09-04"});
      sbtest::request(dport, "GET",
                      "/v2/slots?eventTypeId=101&start=" + time::formatUtc(t) +
                          "&end=" + time::formatUtc(t + std::chrono::hours(24)) +
                          "&timeZone=Europe/Berlin&format=range",
                      "", h);
      h.back() = {"cal-api-version", "2024-08-13"};
      sbtest::request(
          dport, "POST", "/v2/bookings",
          R"({"start":")" + time::formatUtc(t) +
              R"(","eventTypeId":101,"attendee":{"name":"R","timeZone":"Europe/Berlin","phoneNumber":"+491700000000"}})",
          h);
    }
    std::printf(
        "  reference, the same slots + create straight to the fake, sequential: %.0f "
        "bookings/s\n",
        free.size() / (ms(Clock::now() - t0) / 1000.0));
  }

  // ---- 2. the tool functions while Cal.com answers in `latency` ms ----
  calcom.setLatency(std::chrono::milliseconds(latency));
  std::mutex mutex;
  std::vector<double> check, book;
  std::atomic<std::size_t> next{0};
  std::atomic<int> errors{0};
  auto caller = [&] {
    for (std::size_t i; (i = next++) < tools;) {
      const auto start = starts[bookings + i];
      const auto l = time::toLocal(start, kZone);
      const bool is_check = i % 2 == 0;
      const std::string name = is_check ? "check_availability" : "book_appointment";
      const std::string args = is_check ? R"({"service":"Haarschnitt","date":")" + l.date +
                                              R"(","time":")" + l.time + R"("})"
                                        : R"({"service":"Haarschnitt","start":")" + l.date + "T" +
                                              l.time + R"(","name":"Bench Caller"})";
      const std::string body =
          R"({"name":")" + name + R"(","call":{"call_id":"bench_tool_)" + std::to_string(i) +
          R"(","call_type":"phone_call","direction":"inbound","from_number":"+491701234567","to_number":"+49301234567","call_status":"ongoing"},"args":)" +
          args + "}";
      const auto t0 = Clock::now();
      const auto r = sbtest::request(
          *port, "POST", "/retell/functions/" + name, body,
          {{"Content-Type", "application/json"},
           {"X-Retell-Signature", retell::signatureHeader(body, kRetellKey, nowMs())}});
      const double took = ms(Clock::now() - t0);
      if (r.status != 200 && errors++ == 0)
        std::fprintf(stderr, "first error: %s %d %s\n", name.c_str(), r.status, r.body.c_str());
      std::lock_guard lock(mutex);
      (is_check ? check : book).push_back(took);
    }
  };
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) callers.emplace_back(caller);
  for (auto& t : callers) t.join();
  std::printf("  tool functions, 4 callers at once, Cal.com answering in %d ms (errors: %d):\n",
              latency, errors.load());
  if (!check.empty()) percentiles("check_availability", check);
  if (!book.empty()) percentiles("book_appointment", book);
  std::vector<double> all = check;
  all.insert(all.end(), book.begin(), book.end());
  if (!all.empty()) percentiles("all", all);
  if (errors > 0) {  // what the server said about them
    std::istringstream log(server.output());
    for (std::string line; std::getline(log, line);)
      if (line.find("failed") != std::string::npos) std::fprintf(stderr, "%s\n", line.c_str());
  }
  return 0;
}
