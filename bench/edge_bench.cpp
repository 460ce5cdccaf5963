// What the provider edges' bounds cost, against a reference in the same run:
//  - in process: phone::toE164 and readings of a 20,000-digit "number" (refused by length)
//    beside a real number's parse; json::parse of a Retell call_analyzed body beside RapidJSON's
//    own recursive parse of it (the bounded reader's price on every webhook); 140,000 nested
//    '[' refused;
//  - over HTTP, against the shipped product (tests/support/shipped_server.h, fakes on
//    loopback): the signed inbound-call webhook with 20,000-digit numbers beside the same
//    webhook with the salon's own number.
// Prints medians and p99s; it is not a pass/fail test.
//
//   build/bin/edge_bench [rounds, default 2000]
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "retell_signature.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/shipped_server.h"
#include "switchboard/json.h"
#include "switchboard/phone.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Figures {
  double median_us, p99_us;
};

Figures timed(int rounds, const std::function<void()>& work) {
  std::vector<double> us;
  us.reserve(rounds);
  for (int i = 0; i < rounds; ++i) {
    const auto start = Clock::now();
    work();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[us.size() * 99 / 100]};
}

void print(const char* what, Figures f) {
  std::printf("%-58s median %10.2f us   p99 %10.2f us\n", what, f.median_us, f.p99_us);
}

std::string inbound(const std::string& from, const std::string& to) {
  return R"({"event":"call_inbound","call_inbound":{"agent_id":"agent_123","from_number":")" +
         from + R"(","to_number":")" + to + R"("}})";
}

class Product : public sbtest::shipped::ShippedServer {
 public:
  void run(int rounds) {
    start("sqlite");
    const std::string huge(20000, '4');
    auto post = [&](const std::string& body) {
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      const auto r =
          sbtest::request(port_, "POST", "/webhooks/retell/inbound", body,
                          {{"Content-Type", "application/json"},
                           {"X-Retell-Signature",
                            retell::signatureHeader(body, sbtest::shipped::kRetellKey, now)}});
      if (r.status != 200) std::fprintf(stderr, "unexpected %d: %s\n", r.status, r.body.c_str());
    };
    const auto known = inbound(sbtest::shipped::kCaller, sbtest::shipped::kSalonNumber);
    const auto hostile = inbound("+" + huge, "+" + huge);
    for (int i = 0; i < 50; ++i) post(known);  // warm: connections, caches
    const int n = rounds / 10;
    print("HTTP inbound webhook, the salon's number (reference)", timed(n, [&] { post(known); }));
    print("HTTP inbound webhook, 20,000-digit numbers", timed(n, [&] { post(hostile); }));
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::stoi(argv[1]) : 2000;
  const std::string huge(20000, '4');
  print("phone::toE164 \"030 1234567\" DE (reference)",
        timed(rounds, [] { switchboard::phone::toE164("030 1234567", "DE"); }));
  print("phone::toE164 of 20,000 digits",
        timed(rounds, [&] { switchboard::phone::toE164("+" + huge, "DE"); }));
  print("phone::readings of 20,000 digits",
        timed(rounds, [&] { switchboard::phone::readings(huge, {"DE"}); }));

  const auto analyzed = sbtest::fixture("retell/call_analyzed.json");
  print("rapidjson recursive Parse, call_analyzed (reference)", timed(rounds, [&] {
          rapidjson::Document d;
          d.Parse(analyzed.c_str(), analyzed.size());
        }));
  print("json::parse (bounded, iterative), call_analyzed",
        timed(rounds, [&] { switchboard::json::parse(analyzed); }));
  print("json::scanStrings, call_analyzed, 4 paths", timed(rounds, [&] {
          switchboard::json::scanStrings(analyzed, {"call.direction", "call.from_number",
                                                    "call.to_number", "call_inbound.to_number"});
        }));
  const auto deep = std::string(140000, '[') + std::string(140000, ']');
  print("json::parse of 140,000 nested '[' (refused)", timed(rounds / 10, [&] {
          try {
            switchboard::json::parse(deep);
          } catch (const switchboard::json::ParseError&) {
          }
        }));
  Product().run(rounds);
  return 0;
}
