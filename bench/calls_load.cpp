// The full lifecycle of phone calls through the real routes, as Retell would send them: per
// call the inbound-call webhook (answered synchronously), then call_started, call_ended and
// call_analyzed (durable), each signed. `slots` calls are in progress at once (the old
// system's design load is 100); each slot is one keep-alive connection.
//
//   calls_load URL KEY CALLS SLOTS FIXTURES_DIR [EVENTS_URL [CALLS_PER_SECOND]]
//
// CALLS_PER_SECOND > 0 paces the start of calls (an offered load below saturation, where the
// latency figures mean something); 0 or absent: as fast as the slots go (throughput).
// Prints calls/s, the inbound webhook's latency and call_analyzed's until it was acknowledged
// (stored: the part of the next figure spent in the group commit); with EVENTS_URL (the probe
// plugin's record of calls.booking_requested) it waits until every call's booking request was
// published and prints the latency from sending call_analyzed to its publication, and how
// many were lost, and where the calls over 20 ms were: in which 250 ms windows, and whether the
// machine stalled there (a 1 ms timer in the generator woke late). Against nginx (`return 200`) it
// measures the same requests, the same-run reference. Requests go through the tests' plain HTTP/1.1
// client (a send, a poll and a recv each): with libcurl the generator took 0.6 of this 2-core
// machine's cores at 1,000 calls/s, and half of the server's inbox workers' preemptions were by it.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "switchboard/crypto.h"
#include "switchboard/json.h"

namespace {

using Clock = std::chrono::system_clock;

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

double nowUs() {
  return std::chrono::duration<double, std::micro>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  while (!t.empty() && (t.back() == '\n')) t.pop_back();
  return t;
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// Times a 1 ms timer woke late by more than kStallMs: when the machine (a VM's host, or a
// saturated CPU) did not run a thread that wanted to run. Nearly free: a thousand wake-ups a
// second. `stalls` maps each stall's start (wall ms) to its length (ms).
constexpr double kStallMs = 5;
class StallWatch {
 public:
  void start() {
    thread_ = std::thread([this] {
      auto due = std::chrono::steady_clock::now();
      while (!done_) {
        due += std::chrono::milliseconds(1);
        std::this_thread::sleep_until(due);
        const auto now = std::chrono::steady_clock::now();
        const double late = std::chrono::duration<double, std::milli>(now - due).count();
        if (late > kStallMs) stalls_[nowMs() - static_cast<std::int64_t>(late)] = late;
        if (late > 1) due = now;  // no catch-up burst after a stall
      }
    });
  }
  const std::map<std::int64_t, double>& stop() {
    done_ = true;
    thread_.join();
    return stalls_;
  }

 private:
  std::atomic<bool> done_{false};
  std::map<std::int64_t, double> stalls_;
  std::thread thread_;
};

// The port and path of http://127.0.0.1:PORT[/PATH].
std::pair<std::uint16_t, std::string> portAndPath(const std::string& url) {
  const auto host = url.find("://") + 3;
  const auto colon = url.find(':', host);
  const auto slash = url.find('/', colon);
  return {static_cast<std::uint16_t>(std::stoi(url.substr(colon + 1, slash - colon - 1))),
          slash == std::string::npos ? "/" : url.substr(slash)};
}

// One keep-alive connection; a request that fails opens a new one for the next.
struct Poster {
  std::uint16_t port;
  std::string key;
  std::unique_ptr<sbtest::Connection> conn;
  long post(const std::string& path, const std::string& body, std::string* answer = nullptr) {
    const auto v = std::to_string(nowMs());
    const std::string sig = "v=" + v + ",d=" + switchboard::crypto::hmacSha256Hex(key, body + v);
    try {
      if (!conn) conn = std::make_unique<sbtest::Connection>(port);
      conn->send("POST", path, body,
                 {{"X-Retell-Signature", sig}, {"Content-Type", "application/json"}});
      auto r = conn->read(std::chrono::seconds(60));
      if (answer) *answer = std::move(r.body);
      if (r.header("connection") == "close") conn.reset();
      return r.status;
    } catch (const std::exception&) {
      conn.reset();
      return 0;
    }
  }
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: calls_load URL KEY CALLS SLOTS FIXTURES_DIR [EVENTS_URL]\n");
    return 2;
  }
  const std::string base = argv[1], key = argv[2], dir = argv[5];
  const int calls = std::stoi(argv[3]), slots = std::stoi(argv[4]);
  const std::string events_url = argc > 6 ? argv[6] : "";
  const double rate = argc > 7 ? std::stod(argv[7]) : 0;
  const auto port = portAndPath(base).first;
  const std::string inbound = read(dir + "/call_inbound.json");
  const std::string stages[3] = {read(dir + "/call_started.json"), read(dir + "/call_ended.json"),
                                 read(dir + "/call_analyzed.json")};
  std::atomic<int> next{0}, failures{0};
  std::mutex mutex;
  std::vector<double> inbound_us, stored_us;  // inbound answered; call_analyzed acknowledged
  std::map<std::string, std::int64_t> analyzed_sent;  // call id → ms
  // Every slot's connection is open (one request made) before the clock starts: 100 threads
  // and connections starting at once are the load generator's ramp, not a call's life.
  std::latch ready(slots + 1), go(1);
  double start = 0;
  std::vector<std::thread> threads;
  for (int s = 0; s < slots; ++s)
    threads.emplace_back([&] {
      Poster p{port, key, nullptr};
      p.post("/webhooks/retell/inbound", "{}");  // answered 400: the body is no call
      ready.arrive_and_wait();
      go.wait();
      std::vector<double> mine, acked;
      std::map<std::string, std::int64_t> sent;
      for (int i = next++; i < calls; i = next++) {
        if (rate > 0) {
          // One sleep to the call's due time: 100 threads polling every 200 µs were a load of
          // their own on 2 cores (half a million wake-ups a second), in every latency figure.
          const double due = start + i * 1e6 / rate;
          std::this_thread::sleep_until(std::chrono::steady_clock::time_point(
              std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                  std::chrono::duration<double, std::micro>(due))));
        }
        const std::string id = "call_bench_" + std::to_string(i);
        char caller[32];
        std::snprintf(caller, sizeof caller, "+4917%08d", i);
        const auto t0 = std::to_string(nowMs());
        const auto t1 = std::to_string(nowMs() + 135000);
        auto body = replaceAll(inbound, "+491701234567", caller);
        const double a = nowUs();
        std::string answer;
        if (p.post("/webhooks/retell/inbound", body, &answer) != 200) ++failures;
        mine.push_back(nowUs() - a);
        for (int k = 0; k < 3; ++k) {
          body = replaceAll(stages[k], "call_8f1c2d3e4b5a", id);
          body = replaceAll(body, "+491701234567", caller);
          body = replaceAll(body, "1764233700000", t0);
          body = replaceAll(body, "1764233835000", t1);
          if (k == 2) sent[id] = nowMs();
          const double b = nowUs();
          const long status = p.post("/webhooks/retell", body);
          if (k == 2) acked.push_back(nowUs() - b);
          if (status < 200 || status >= 300) ++failures;
        }
      }
      std::lock_guard lock(mutex);
      inbound_us.insert(inbound_us.end(), mine.begin(), mine.end());
      stored_us.insert(stored_us.end(), acked.begin(), acked.end());
      analyzed_sent.insert(sent.begin(), sent.end());
    });
  ready.arrive_and_wait();
  StallWatch watch;
  watch.start();
  start = nowUs();
  go.count_down();
  for (auto& t : threads) t.join();
  const auto stalls = watch.stop();
  const double sent_s = (nowUs() - start) / 1e6;
  std::printf("calls %d, %d in progress at once, offered %s, %d requests failed\n", calls, slots,
              rate > 0 ? (std::to_string(static_cast<int>(rate)) + " calls/s").c_str()
                       : "as fast as answered",
              failures.load());
  std::printf("sent: %.2f s = %.0f calls/s (%.0f requests/s)\n", sent_s, calls / sent_s,
              4 * calls / sent_s);
  std::printf("inbound webhook latency: p50 %.2f ms, p99 %.2f ms\n",
              percentile(inbound_us, 0.5) / 1000, percentile(inbound_us, 0.99) / 1000);
  std::printf("call_analyzed stored and acknowledged: p50 %.2f ms, p99 %.2f ms\n",
              percentile(stored_us, 0.5) / 1000, percentile(stored_us, 0.99) / 1000);
  if (events_url.empty()) return failures ? 1 : 0;

  // Every call's calls.booking_requested, as the probe recorded it (publication time).
  const auto [events_port, events_path] = portAndPath(events_url);
  std::map<std::string, std::int64_t> published;
  const double wait_from = nowUs();
  while ((int)published.size() < calls && nowUs() - wait_from < 120e6) {
    try {
      const auto body = sbtest::request(events_port, "GET", events_path).body;
      for (const auto& e : switchboard::json::parse(body).root().items()) {
        if (e.string("topic") != "calls.booking_requested") continue;
        const auto payload = switchboard::json::parse(*e.string("payload"));
        published[*payload.root()["call"].string("id")] = *e.integer("time_ms");
      }
    } catch (const std::exception&) {
    }
    if ((int)published.size() < calls) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const double done_s = (nowUs() - start) / 1e6;
  std::vector<double> latency;
  for (const auto& [id, at] : published)
    if (auto it = analyzed_sent.find(id); it != analyzed_sent.end())
      latency.push_back(static_cast<double>(at - it->second));
  std::printf("booking requests published: %zu of %d (lost: %d), all in %.2f s = %.0f calls/s\n",
              published.size(), calls, calls - (int)published.size(), done_s, calls / done_s);
  std::printf("call_analyzed sent -> calls.booking_requested published: p50 %.0f ms, p99 %.0f ms\n",
              percentile(latency, 0.5), percentile(latency, 0.99));
  // Where the slow ones were: a cold start, the machine's pauses, or all along.
  std::int64_t first_sent = INT64_MAX;
  for (const auto& [id, at] : analyzed_sent) first_sent = std::min(first_sent, at);
  std::vector<double> after_first_second;
  std::map<std::int64_t, int> slow_windows;  // 250 ms window → calls over 20 ms in it
  for (const auto& [id, at] : published)
    if (auto it = analyzed_sent.find(id); it != analyzed_sent.end()) {
      const auto ms = static_cast<double>(at - it->second);
      if (it->second - first_sent >= 1000) after_first_second.push_back(ms);
      if (ms > 20) ++slow_windows[(it->second - first_sent) / 250];
    }
  int slow = 0;
  for (const auto& [window, n] : slow_windows) slow += n;
  // The 8 windows with the most, in time order (as fast as answered, every window has some).
  std::vector<std::pair<int, std::int64_t>> worst;  // calls, window
  for (const auto& [window, n] : slow_windows) worst.emplace_back(n, window);
  std::sort(worst.rbegin(), worst.rend());
  if (worst.size() > 8) worst.resize(8);
  std::sort(worst.begin(), worst.end(), [](auto& a, auto& b) { return a.second < b.second; });
  std::string where;
  for (const auto& [n, window] : worst)
    where +=
        " " + std::to_string(n) + "@" + std::to_string(window * 250 / 1000.0).substr(0, 5) + "s";
  std::printf(
      "  after the first second: p50 %.0f ms, p99 %.0f ms; over 20 ms: %d calls, in %zu "
      "windows of 250 ms (the worst, calls@start:%s)\n",
      percentile(after_first_second, 0.5), percentile(after_first_second, 0.99), slow,
      slow_windows.size(), where.c_str());
  // The machine's part: stalls while calls were sent, and the slow windows that had one (in
  // the window or the one before it: a stall delays what was sent just before it too).
  double longest = 0, stalled = 0;
  std::set<std::int64_t> stalled_windows;
  for (const auto& [at, ms] : stalls) {
    longest = std::max(longest, ms);
    stalled += ms;
    for (auto t = at; t <= at + static_cast<std::int64_t>(ms); t += 250)
      stalled_windows.insert((t - first_sent) / 250);
    stalled_windows.insert((at + static_cast<std::int64_t>(ms) - first_sent) / 250);
  }
  int slow_in_stalls = 0, windows_with_stall = 0;
  for (const auto& [window, n] : slow_windows)
    if (stalled_windows.count(window) || stalled_windows.count(window + 1)) {
      slow_in_stalls += n;
      ++windows_with_stall;
    }
  std::printf(
      "  the load generator's 1 ms timer late by over %.0f ms (the machine did not run it): %zu "
      "times, %.0f ms in all, the longest %.0f ms; of the calls over 20 ms, %d in the %d slow "
      "windows with such a stall\n",
      kStallMs, stalls.size(), stalled, longest, slow_in_stalls, windows_with_stall);
  return failures || (int)published.size() < calls ? 1 : 0;
}
