// The outbound client plugins get through host.client(), against a real server on loopback.
#include "support/http_client.h"

#include <gtest/gtest.h>

#include "net/curl_http_client.h"
#include "support/kernel_harness.h"

namespace {

const char* kConfig =
    "plugins:\n  probe: { library: probe }\n"
    "routes:\n"
    "  - { method: POST, path: /echo, plugin: probe, handler: echo }\n"
    "  - { method: GET, path: /fetch, plugin: probe, handler: fetch }\n";

TEST(HttpClient, SendsBodyAndHeadersAndReadsTheResponse) {
  sbtest::KernelHarness h(kConfig);
  h.start();
  switchboard::kernel::net::CurlHttpClient client;
  switchboard::OutboundRequest r;
  r.method = "POST";
  r.url = "http://127.0.0.1:" + std::to_string(h.port()) + "/echo";
  r.timeout = std::chrono::milliseconds(5000);
  r.body = std::string(100000, 'x');
  r.headers = {{"X-Test", "from-client"}, {"Content-Type", "application/json"}};
  const auto response = client.perform(r, std::chrono::milliseconds(2000));
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_NE(response.body.find(R"("body_bytes":100000)"), std::string::npos) << response.body;
  EXPECT_NE(response.body.find(R"("x_test":"from-client")"), std::string::npos);
  bool has_request_id = false;
  for (const auto& hd : response.headers) has_request_id |= hd.name == "x-request-id";
  EXPECT_TRUE(has_request_id);
}

TEST(HttpClient, ReportsTransportFailureWithoutThrowing) {
  sbtest::KernelHarness h(kConfig);
  h.start();
  const auto port = h.port();
  h.kernel().shutdown();  // nothing listens there any more
  switchboard::kernel::net::CurlHttpClient client;
  switchboard::OutboundRequest r;
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/echo";
  r.timeout = std::chrono::milliseconds(2000);
  const auto response = client.perform(r, std::chrono::milliseconds(2000));
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.error.empty());
}

TEST(HttpClient, PluginsReachItThroughTheHost) {
  // Two servers: a handler that called its own server could wait on its own worker thread.
  sbtest::KernelHarness upstream(kConfig);
  upstream.start();
  sbtest::KernelHarness h(kConfig);
  h.start();
  const auto url = "http://127.0.0.1:" + std::to_string(upstream.port()) + "/api/health";
  const auto response = sbtest::request(h.port(), "GET", "/fetch?url=" + url);
  EXPECT_EQ(response.body,
            R"({"status":200,"bytes":15,"attempts":1,"timed_out":false,"circuit_open":false})");
}

}  // namespace
