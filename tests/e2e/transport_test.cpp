// The HTTP transport against hostile and careless clients, over real sockets to the real kernel:
// framing errors, limits, pipelining, timeouts and the connection cap (issue: "a transport no
// client can stop"). The same corpus byte by byte lives in unit/request_framer_test.cpp.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/eventually.h"
#include "support/http_client.h"
#include "support/kernel_harness.h"

namespace {

using sbtest::Connection;
using sbtest::request;

std::string config(const std::string& server) {
  return "server: { threads: 2, max_body_bytes: 65536, max_request_line_bytes: 1024, "
         "max_header_bytes: 4096, max_headers: 20" +
         server +
         " }\n"
         "plugins:\n  probe: { library: probe }\n"
         "routes:\n"
         "  - { method: POST, path: \"/webhooks/{provider}\", plugin: probe, handler: echo }\n"
         "  - { method: GET, path: \"/webhooks/{provider}\", plugin: probe, handler: echo }\n";
}

class Transport : public ::testing::Test {
 protected:
  void SetUp() override { h.start(); }
  sbtest::KernelHarness h{config("")};
};

// One request in raw bytes, sent in `pieces` writes; the answer, and whether the server then
// closed the connection (after an error) or still serves it (after a success).
struct Answer {
  int status;
  std::string body;
  bool closed;
};
Answer ask(std::uint16_t port, const std::string& bytes, std::size_t pieces = 1) {
  Connection c(port);
  const std::size_t step = std::max<std::size_t>(1, bytes.size() / pieces);
  for (std::size_t i = 0; i < bytes.size(); i += step) c.sendRaw(bytes.substr(i, step));
  const auto r = c.read();
  if (r.status >= 400) return {r.status, r.body, c.closedByPeer(std::chrono::seconds(5))};
  c.send("GET", "/api/health");
  return {r.status, r.body, c.read().status != 200};
}

const std::string kHost = "Host: test\r\n";

TEST_F(Transport, SplitChunkEndingsAreFramedAndTheServerStaysResponsive) {
  // Today's Pistache spun forever on this request; two of them stopped the server.
  const std::string head =
      "POST /webhooks/retell HTTP/1.1\r\n" + kHost + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r";
  for (int i = 0; i < 2; ++i) {
    Connection c(h.port());
    c.sendRaw(head);
    c.sendRaw("\n0\r\n\r\n");
    const auto r = c.read();
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find(R"("body":"abc")"), std::string::npos) << r.body;
  }
  EXPECT_EQ(request(h.port(), "GET", "/api/health").status, 200);
}

TEST_F(Transport, EveryRequestGivesTheSameAnswerWholeAndByteByByte) {
  const std::vector<std::pair<std::string, int>> cases = {
      {"POST /webhooks/a HTTP/1.1\r\n" + kHost + "Content-Length: 3\r\n\r\nabc", 200},
      {"POST /webhooks/a HTTP/1.1\r\n" + kHost + "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n" +
           "2\r\nbc\r\n0\r\n\r\n",
       200},
      {"POST /webhooks/a HTTP/1.1\r\n" + kHost + "Content-Length: abc\r\n\r\n", 400},
      {"POST /webhooks/a HTTP/1.1\r\n" + kHost + "Content-Length: 3abc\r\n\r\nabc", 400},
      {"POST /webhooks/a HTTP/1.1\r\n" + kHost + "Content-Length: +3\r\n\r\nabc", 400},
      {"POST /webhooks/a HTTP/1.1\r\n" + kHost + "Content-Length: 3, 5\r\n\r\nabc", 400},
      {"POST /webhooks/a HTTP/1.1\r\n" + kHost + "Content-Length: 3\r\nContent-Length: 5\r\n\r\n",
       400},
      {"POST /webhooks/a HTTP/1.1\r\n" + kHost + "Content-Length: -1\r\n\r\n", 400},
      {"POST /webhooks/a HTTP/1.1\r\n" + kHost + "Content-Length: 18446744073709551616\r\n\r\n",
       400},
      {"POST /webhooks/a HTTP/1.1\r\n" + kHost + "Content-Length: 1000000000\r\n\r\n", 413},
      {"POST /webhooks/a HTTP/1.1\r\n" + kHost +
           "Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
       400},
      {"POST /webhooks/a HTTP/1.1\r\n" + kHost + "Transfer-Encoding: gzip\r\n\r\n", 501},
      {"POST /webhooks/a HTTP/1.1\r\n" + kHost +
           "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400},
      {"GARBAGE\r\n\r\n", 400},
      {"GET /webhooks/a HTTP/1.1\nHost: test\n\n", 400},
      {"GET /webhooks/a HTTP/1.1\r\n" + kHost + "NoColon\r\n\r\n", 400},
      {"GET /webhooks/a HTTP/1.1\r\n" + kHost + "X: a\r\n folded\r\n\r\n", 400},
      {"GET /webhooks/a HTTP/1.1\r\n\r\n", 400},
      {"GET /" + std::string(2000, 'u') + " HTTP/1.1\r\n" + kHost + "\r\n", 414},
      {"GET /webhooks/a HTTP/1.1\r\n" + kHost + "X: " + std::string(5000, 'h') + "\r\n\r\n", 431},
      {[] {
         std::string s = "GET /webhooks/a HTTP/1.1\r\n" + kHost;
         for (int i = 0; i < 25; ++i) s += "X-" + std::to_string(i) + ": v\r\n";
         return s + "\r\n";
       }(),
       431},
  };
  for (const auto& [bytes, status] : cases) {
    SCOPED_TRACE(bytes.substr(0, 120));
    for (std::size_t pieces : {std::size_t{1}, bytes.size()}) {
      const auto a = ask(h.port(), bytes, pieces);
      EXPECT_EQ(a.status, status) << a.body << " pieces=" << pieces;
      if (status >= 400) {
        EXPECT_NE(a.body.find(R"("error":{"status":)" + std::to_string(status)), std::string::npos)
            << a.body;
        EXPECT_EQ(a.body.find("basic_string"), std::string::npos);
        EXPECT_EQ(a.body.find("stoull"), std::string::npos);
        EXPECT_TRUE(a.closed) << "a framing error closes the connection";
      } else {
        EXPECT_FALSE(a.closed);
      }
    }
  }
  EXPECT_EQ(request(h.port(), "GET", "/api/health").status, 200);
}

TEST_F(Transport, BytesAfterAFramingErrorAreNeverParsedAsARequest) {
  Connection c(h.port());
  c.sendRaw("POST /webhooks/a HTTP/1.1\r\n" + kHost + "Content-Length: 3abc\r\n\r\n" +
            "GET /webhooks/smuggled HTTP/1.1\r\n" + kHost + "\r\n");
  const auto r = c.read();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(5)));
}

TEST_F(Transport, PipelinedRequestsAreAllAnsweredInOrder) {
  Connection c(h.port());
  std::string batch;
  for (int i = 0; i < 5; ++i)
    batch += "POST /webhooks/p" + std::to_string(i) + " HTTP/1.1\r\n" + kHost +
             "Content-Length: 1\r\n\r\n" + std::to_string(i);
  batch += "GET /api/health HTTP/1.1\r\n" + kHost + "\r\n";
  c.sendRaw(batch);
  for (int i = 0; i < 5; ++i) {
    const auto r = c.read();
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find(R"("path":"/webhooks/p)" + std::to_string(i) + "\""), std::string::npos)
        << r.body;
  }
  EXPECT_EQ(c.read().body, R"({"status":"ok"})");
}

TEST_F(Transport, RepeatedQueryKeysAndTheRawTargetReachThePlugin) {
  const auto r = request(h.port(), "GET", "/webhooks/q?a=1&a=2&to=%2B49+30");
  ASSERT_EQ(r.status, 200);
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_TRUE(d.IsObject()) << r.body;
  EXPECT_STREQ(d["target"].GetString(), "/webhooks/q?a=1&a=2&to=%2B49+30");
  const auto& pairs = d["query_pairs"];
  ASSERT_EQ(pairs.Size(), 3u) << r.body;
  EXPECT_STREQ(pairs[0][1].GetString(), "1");
  EXPECT_STREQ(pairs[1][0].GetString(), "a");
  EXPECT_STREQ(pairs[1][1].GetString(), "2");
  EXPECT_STREQ(pairs[2][1].GetString(), "+49 30");
}

TEST_F(Transport, AClientWaitingForContinueIsToldToSend) {
  Connection c(h.port());
  c.sendRaw("POST /webhooks/c HTTP/1.1\r\n" + kHost +
            "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  EXPECT_EQ(c.read().status, 100);
  c.sendRaw("hello");
  const auto r = c.read();
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("body":"hello")"), std::string::npos);
}

TEST_F(Transport, ADeclaredBodyOverTheLimitIsRefusedBeforeItIsSent) {
  Connection c(h.port());
  c.sendRaw("POST /webhooks/big HTTP/1.1\r\n" + kHost +
            "Expect: 100-continue\r\nContent-Length: 70000\r\n\r\n");
  const auto r = c.read();
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("70000"), std::string::npos) << r.body;
}

TEST_F(Transport, HeadAnswersTheLengthWithoutTheBody) {
  Connection c(h.port());
  c.sendRaw("HEAD /api/health HTTP/1.1\r\n" + kHost + "\r\nGET /api/health HTTP/1.1\r\n" + kHost +
            "\r\n");
  const auto head = c.read(std::chrono::seconds(10), true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), "15");
  EXPECT_EQ(head.body, "") << "and the next response is read intact";
  EXPECT_EQ(c.read().body, R"({"status":"ok"})");
}

TEST_F(Transport, PipelinedRequestsAreAnsweredInOrderToAClientThatReadsSlowly) {
  const int fd = sbtest::connectLoopback(h.port(), 4096);  // a slow reader
  std::string batch;
  constexpr int kRequests = 2000;
  for (int i = 0; i < kRequests; ++i)
    batch += "GET /webhooks/n" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\n\r\n";
  ASSERT_EQ(::send(fd, batch.data(), batch.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(batch.size()));
  // Read everything back; the server had to wait for this reader again and again.
  std::string in;
  int answered = 0, next = 0;
  bool in_order = true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (answered < kRequests && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) continue;
    char buffer[4096];
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    in.append(buffer, static_cast<std::size_t>(n));
    const std::string marker = "\"path\":\"/webhooks/n";
    for (std::size_t at; (at = in.find(marker)) != std::string::npos;) {
      const auto from = at + marker.size();
      const auto end = in.find('"', from);
      if (end == std::string::npos) break;
      in_order = in_order && in.substr(from, end - from) == std::to_string(next);
      ++next;
      ++answered;
      in.erase(0, end);
    }
  }
  ::close(fd);
  EXPECT_EQ(answered, kRequests);
  EXPECT_TRUE(in_order);
}

TEST_F(Transport, AClientThatPipelinesWithoutReadingIsCutOffNotBuffered) {
  const int fd = sbtest::connectLoopback(h.port(), 4096);  // a slow reader
  const std::string one = "GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n";
  std::string chunk;
  while (chunk.size() < 65536) chunk += one;
  // 16 MB of requests, never reading an answer: the server stops making answers it cannot
  // send, buffers at most about one request's worth, then closes the connection.
  bool cut_off = false;
  for (int i = 0; i < 256 && !cut_off; ++i) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 5000) <= 0) break;  // the server stopped reading: not cut off
    if (p.revents & (POLLERR | POLLHUP))
      cut_off = true;
    else if (::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
             errno != EAGAIN)
      cut_off = true;
  }
  ::close(fd);
  EXPECT_TRUE(cut_off);
  EXPECT_EQ(request(h.port(), "GET", "/api/health").status, 200);
}

class TransportTimeouts : public ::testing::Test {
 protected:
  void SetUp() override { h.start(); }
  sbtest::KernelHarness h{
      config(", idle_timeout_ms: 300, header_timeout_ms: 300, "
             "body_min_rate_bytes_per_s: 1000, body_rate_window_ms: 300")};
};

TEST_F(TransportTimeouts, AnIdleKeepAliveConnectionIsClosed) {
  Connection c(h.port());
  c.send("GET", "/api/health");
  EXPECT_EQ(c.read().status, 200);
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(5)));
  EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(200));
}

TEST_F(TransportTimeouts, AConnectionThatNeverSendsIsClosed) {
  Connection c(h.port());
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(5)));
}

TEST_F(TransportTimeouts, SlowHeadersAreAnswered408AndClosed) {
  Connection c(h.port());
  c.sendRaw("GET /api/health HTTP/1.1\r\nHo");
  const auto r = c.read(std::chrono::seconds(5));
  EXPECT_EQ(r.status, 408);
  EXPECT_NE(r.body.find("headers not complete"), std::string::npos) << r.body;
  EXPECT_TRUE(c.closedByPeer(std::chrono::seconds(5)));
}

TEST_F(TransportTimeouts, ABodyBelowTheMinimumRateIsAnswered408) {
  Connection c(h.port());
  c.sendRaw("POST /webhooks/slow HTTP/1.1\r\n" + kHost + "Content-Length: 60000\r\n\r\n0123456789");
  const auto r = c.read(std::chrono::seconds(5));
  EXPECT_EQ(r.status, 408);
  EXPECT_NE(r.body.find("slower than 1000 bytes/s"), std::string::npos) << r.body;
}

TEST(TransportCap, ConnectionsOverTheCapGet503AndTheRestAreServed) {
  sbtest::KernelHarness h(config(", max_connections: 3"));
  h.start();
  std::vector<std::unique_ptr<Connection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<Connection>(h.port()));
    held.back()->send("GET", "/api/health");
    EXPECT_EQ(held.back()->read().status, 200);
  }
  {
    Connection extra(h.port());
    const auto r = extra.read();
    EXPECT_EQ(r.status, 503);
    EXPECT_NE(r.body.find("too many connections"), std::string::npos);
  }
  held[0]->send("GET", "/api/health");
  EXPECT_EQ(held[0]->read().status, 200) << "connections within the cap are still served";
  held.pop_back();
  EXPECT_TRUE(sbtest::eventually([&] {
    try {
      return request(h.port(), "GET", "/api/health").status == 200;
    } catch (const std::exception&) {
      return false;
    }
  }));
}

}  // namespace

// A handler that waits on an upstream (registered with upstreamHandler) runs on the kernel's
// upstream pool: with one reactor thread, the server still answers other requests meanwhile
// (on the reactor thread the gate would hold it, and nobody could open the gate).
TEST(TransportUpstream, AHandlerWaitingOnAnUpstreamLeavesTheReactorServing) {
  sbtest::KernelHarness h{
      "server: { threads: 1, upstream_threads: 2 }\n"
      "plugins:\n  probe: { library: probe }\n"
      "routes:\n"
      "  - { method: GET, path: /gate, plugin: probe, handler: gate }\n"
      "  - { method: GET, path: /gate-waiting, plugin: probe, handler: gate_waiting }\n"
      "  - { method: POST, path: /open, plugin: probe, handler: open }\n"};
  h.start();
  Connection waiting(h.port());
  waiting.send("GET", "/gate");
  ASSERT_TRUE(
      sbtest::eventually([&] { return request(h.port(), "GET", "/gate-waiting").body == "1"; }));
  EXPECT_EQ(request(h.port(), "GET", "/api/health").status, 200);
  EXPECT_EQ(request(h.port(), "POST", "/open").status, 200);
  const auto r = waiting.read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "opened");
}
