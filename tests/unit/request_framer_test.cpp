// The framing layer on its own: a corpus of well-formed and hostile requests, each framed in one
// piece, byte by byte and in random splits, which must all give the same answer.
#include "http/request_framer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "support/framer_transcript.h"

namespace {

using switchboard::kernel::http::FramingLimits;
using switchboard::kernel::http::RequestFramer;

FramingLimits smallLimits() {
  FramingLimits l;
  l.max_request_line = 256;
  l.max_header_bytes = 1024;
  l.max_headers = 8;
  l.max_body_bytes = 4096;
  return l;
}

std::string transcript(const std::string& input, const std::vector<std::size_t>& cuts,
                       const FramingLimits& limits = smallLimits()) {
  return sbtest::framerTranscript(input, cuts, limits);
}

std::string whole(const std::string& input, const FramingLimits& limits = smallLimits()) {
  return transcript(input, {}, limits);
}

std::string byteByByte(const std::string& input, const FramingLimits& limits = smallLimits()) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < input.size(); ++i) cuts.push_back(i);
  return transcript(input, cuts, limits);
}

std::string randomSplits(const std::string& input, unsigned seed,
                         const FramingLimits& limits = smallLimits()) {
  std::mt19937 rng(seed);
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < input.size(); ++i)
    if (rng() % 7 == 0) cuts.push_back(i);
  return transcript(input, cuts, limits);
}

struct Case {
  const char* name;
  std::string input;
  std::string expected;
};

std::string chunkedBody(std::size_t chunks, std::size_t size) {
  std::string out;
  for (std::size_t i = 0; i < chunks; ++i) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "%zx", size);
    out += std::string(hex) + "\r\n" + std::string(size, 'x') + "\r\n";
  }
  return out + "0\r\n\r\n";
}

const std::string H = "Host: a\r\n";

std::vector<Case> corpus() {
  return {
      {"simple GET", "GET /a HTTP/1.1\r\n" + H + "\r\n", "REQ GET /a body= keep\n"},
      {"content-length body", "POST /a HTTP/1.1\r\n" + H + "Content-Length: 3\r\n\r\nabc",
       "REQ POST /a body=abc keep\n"},
      {"chunked, CRLF after a chunk split",
       "POST /a HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
       "REQ POST /a body=abc keep\n"},
      {"chunk extension and trailer dropped",
       "POST /a HTTP/1.1\r\n" + H +
           "Transfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nX-T: 1\r\n\r\n",
       "REQ POST /a body=abc keep\n"},
      {"pipelined, answered in order",
       "GET /1 HTTP/1.1\r\n" + H + "\r\nGET /2 HTTP/1.1\r\n" + H + "\r\nPOST /3 HTTP/1.1\r\n" + H +
           "Content-Length: 1\r\n\r\nz",
       "REQ GET /1 body= keep\nREQ GET /2 body= keep\nREQ POST /3 body=z keep\n"},
      {"repeated query keys kept", "GET /q?a=1&a=2&b=%41+c HTTP/1.1\r\n" + H + "\r\n",
       "REQ GET /q body= q:a=1 q:a=2 q:b=A c keep\n"},
      {"absolute-form target", "GET http://a.example/p?x=1 HTTP/1.1\r\n" + H + "\r\n",
       "REQ GET /p body= q:x=1 keep\n"},
      {"leading empty line ignored", "\r\nGET /a HTTP/1.1\r\n" + H + "\r\n",
       "REQ GET /a body= keep\n"},
      {"Connection: close", "GET /a HTTP/1.1\r\n" + H + "Connection: close\r\n\r\nGET /b",
       "REQ GET /a body= close\n"},
      {"HTTP/1.0 closes", "GET /a HTTP/1.0\r\n\r\n", "REQ GET /a body= close\n"},
      {"HTTP/1.0 keep-alive", "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
       "REQ GET /a body= keep\n"},
      {"upgrade is not performed: close after",
       "GET /a HTTP/1.1\r\n" + H + "Connection: upgrade\r\nUpgrade: websocket\r\n\r\nxxxx",
       "REQ GET /a body= close\n"},
      // Framing errors.
      {"content-length abc", "POST /a HTTP/1.1\r\n" + H + "Content-Length: abc\r\n\r\n", "ERR 400"},
      {"content-length 3abc", "POST /a HTTP/1.1\r\n" + H + "Content-Length: 3abc\r\n\r\nabc",
       "ERR 400"},
      {"content-length +3", "POST /a HTTP/1.1\r\n" + H + "Content-Length: +3\r\n\r\nabc",
       "ERR 400"},
      {"content-length list", "POST /a HTTP/1.1\r\n" + H + "Content-Length: 3, 5\r\n\r\nabc",
       "ERR 400"},
      {"content-length negative", "POST /a HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\n",
       "ERR 400"},
      {"content-length overflowing",
       "POST /a HTTP/1.1\r\n" + H + "Content-Length: 99999999999999999999999\r\n\r\n", "ERR 400"},
      {"two content-lengths",
       "POST /a HTTP/1.1\r\n" + H + "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabc", "ERR 400"},
      {"content-length and chunked",
       "POST /a HTTP/1.1\r\n" + H +
           "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
       "ERR 400"},
      {"unknown transfer coding", "POST /a HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip\r\n\r\n",
       "ERR 501"},
      {"coding before chunked",
       "POST /a HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "ERR 501"},
      {"transfer-encoding on HTTP/1.0",
       "POST /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
       "0\r\n\r\n",
       "ERR 400"},
      {"chunk longer than its size",
       "POST /a HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n",
       "ERR 400"},
      {"chunk size not hex",
       "POST /a HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
       "ERR 400"},
      {"garbage request line", "HELLO WORLD\r\n\r\n", "ERR 400"},
      {"bare LF line ends", "GET /a HTTP/1.1\n" + std::string("Host: a\n\n"), "ERR 400"},
      {"bare LF in a header", "GET /a HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", "ERR 400"},
      {"CR without LF", "GET /a HTTP/1.1\rHost: a\r\n\r\n", "ERR 400"},
      {"header without colon", "GET /a HTTP/1.1\r\n" + H + "NoColon\r\n\r\n", "ERR 400"},
      {"obs-fold", "GET /a HTTP/1.1\r\n" + H + "X: b\r\n c\r\n\r\n", "ERR 400"},
      {"space before colon", "GET /a HTTP/1.1\r\nHost : a\r\n\r\n", "ERR 400"},
      {"NUL in a header value", std::string("GET /a HTTP/1.1\r\nHost: a\0b\r\n\r\n", 30),
       "ERR 400"},
      {"no Host on HTTP/1.1", "GET /a HTTP/1.1\r\n\r\n", "ERR 400"},
      {"two Hosts", "GET /a HTTP/1.1\r\n" + H + H + "\r\n", "ERR 400"},
      {"HTTP/2.0 in cleartext", "GET /a HTTP/2.0\r\n" + H + "\r\n", "ERR 505"},
      {"HTTP/0.9", "GET /a\r\n\r\n", "ERR 400"},
      {"two spaces in the request line", "GET  /a HTTP/1.1\r\n" + H + "\r\n", "ERR 400"},
      {"junk after the version", "GET /a HTTP/1.1 x\r\n" + H + "\r\n", "ERR 400"},
      {"lower-case version", "GET /a http/1.1\r\n" + H + "\r\n", "ERR 400"},
      {"space in the target", "GET /a b HTTP/1.1\r\n" + H + "\r\n", "ERR 400"},
      {"chunk data longer than its size, then hex",
       "POST /a HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
       "ERR 400"},
      {"chunk size line with bare LF",
       "POST /a HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n",
       "ERR 400"},
      {"chunk size overflowing",
       "POST /a HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
       "ERR 400"},
      {"trailer with bare LF",
       "POST /a HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0\r\nX: 1\n\r\n", "ERR 400"},
      {"chunked then the next request",
       "POST /a HTTP/1.1\r\n" + H +
           "Transfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\nGET /b HTTP/1.1\r\n" + H + "\r\n",
       "REQ POST /a body=z keep\nREQ GET /b body= keep\n"},
      {"CONNECT", "CONNECT a:443 HTTP/1.1\r\n" + H + "\r\n", "ERR 501"},
      {"unknown expectation", "POST /a HTTP/1.1\r\n" + H + "Expect: magic\r\n\r\n", "ERR 417"},
      {"not a target", "GET a-b HTTP/1.1\r\n" + H + "\r\n", "ERR 400"},
      // Limits.
      {"request line too long", "GET /" + std::string(300, 'a') + " HTTP/1.1\r\n" + H + "\r\n",
       "ERR 414"},
      {"head too large", "GET /a HTTP/1.1\r\n" + H + "X: " + std::string(1100, 'b') + "\r\n\r\n",
       "ERR 431"},
      {"too many header fields",
       [] {
         std::string s = "GET /a HTTP/1.1\r\n" + H;
         for (int i = 0; i < 9; ++i) s += "X" + std::to_string(i) + ": v\r\n";
         return s + "\r\n";
       }(),
       "ERR 431"},
      {"declared body too large", "POST /a HTTP/1.1\r\n" + H + "Content-Length: 4097\r\n\r\n",
       "ERR 413"},
      {"chunked body too large",
       "POST /a HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n" + chunkedBody(5, 1000),
       "ERR 413"},
      // Found by the fuzzer: a bad method (http_parser's error) before an overlong line (the
      // scanner's) was answered 414 in one piece and 400 in pieces.
      {"the earliest error wins", "GhTpt /" + std::string(300, 'y') + " HTTP/1.1\r\n" + H + "\r\n",
       "ERR 400"},
      {"earliest error in a chunked body",
       "POST /a HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n3;e\x01x\r\nabc\n",
       "ERR 400"},
      {"pipelined request after an error is not read",
       "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n" + H + "\r\n", "ERR 400"},
  };
}

TEST(RequestFramer, EveryCaseGivesItsAnswerWholeByteByByteAndInRandomSplits) {
  for (const auto& c : corpus()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(whole(c.input), c.expected);
    EXPECT_EQ(byteByByte(c.input), c.expected);
    for (unsigned seed = 1; seed <= 10; ++seed) EXPECT_EQ(randomSplits(c.input, seed), c.expected);
  }
}

TEST(RequestFramer, ManySmallChunksMakeOneBody) {
  FramingLimits limits;
  limits.max_body_bytes = 1 << 20;
  const std::string input =
      "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedBody(100000, 3);
  RequestFramer framer(limits);
  const auto step = framer.feed(input.data(), input.size());
  ASSERT_EQ(step.event, RequestFramer::Event::Request);
  EXPECT_EQ(step.consumed, input.size());
  EXPECT_EQ(framer.takeRequest().body, std::string(300000, 'x'));
  EXPECT_EQ(byteByByte(input, limits), whole(input, limits));
}

TEST(RequestFramer, KeepsTheRawTargetAndLowerCaseHeaderNames) {
  RequestFramer framer(smallLimits());
  const std::string input =
      "GET /sms?To=%2B1&Body=hi+there HTTP/1.1\r\nHost: a\r\nX-Twilio-Signature:  sig= \r\n\r\n";
  ASSERT_EQ(framer.feed(input.data(), input.size()).event, RequestFramer::Event::Request);
  const auto r = framer.takeRequest();
  EXPECT_EQ(r.target, "/sms?To=%2B1&Body=hi+there");
  EXPECT_EQ(r.path, "/sms");
  EXPECT_EQ(r.header("x-twilio-signature").value_or(""), "sig=");
  EXPECT_EQ(r.headers[1].name, "x-twilio-signature");
}

TEST(RequestFramer, AsksForTheBodyOnlyWhenTheClientWaitsForIt) {
  RequestFramer framer(smallLimits());
  const std::string head =
      "POST /a HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n";
  EXPECT_EQ(framer.feed(head.data(), head.size()).event, RequestFramer::Event::NeedMore);
  EXPECT_TRUE(framer.takeContinue());
  EXPECT_FALSE(framer.takeContinue());
  EXPECT_EQ(framer.feed("abc", 3).event, RequestFramer::Event::Request);

  RequestFramer at_once(smallLimits());
  const std::string all = head + "abc";
  EXPECT_EQ(at_once.feed(all.data(), all.size()).event, RequestFramer::Event::Request);
  EXPECT_FALSE(at_once.takeContinue()) << "the body is already here";
}

TEST(RequestFramer, ReportsWhereTheRequestStandsForTheTimeouts) {
  RequestFramer framer(smallLimits());
  EXPECT_EQ(framer.phase(), RequestFramer::Phase::Idle);
  framer.feed("PO", 2);
  EXPECT_EQ(framer.phase(), RequestFramer::Phase::Head);
  const std::string rest = "ST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab";
  framer.feed(rest.data(), rest.size());
  EXPECT_EQ(framer.phase(), RequestFramer::Phase::Body);
  EXPECT_EQ(framer.bodyBytes(), 2u);
  EXPECT_EQ(framer.feed("cd", 2).event, RequestFramer::Event::Request);
  framer.takeRequest();
  EXPECT_EQ(framer.phase(), RequestFramer::Phase::Idle);
}

TEST(RequestFramer, StopsReadingAnOverlongLineAtTheLimit) {
  FramingLimits limits;  // defaults: an 8 KiB request line
  RequestFramer framer(limits);
  const std::string input = "GET /" + std::string(1 << 20, 'a');
  const auto step = framer.feed(input.data(), input.size());
  EXPECT_EQ(step.event, RequestFramer::Event::Error);
  EXPECT_EQ(framer.error().status, 414);
  EXPECT_EQ(step.consumed, limits.max_request_line + 1);
}

// Pistache re-parsed the head on every read: fed in small pieces, a large head cost quadratic
// time. Here each byte is looked at once, so feeding 256 KiB of headers a byte at a time is
// about as cheap as feeding them at once (quadratic would be ~3e10 steps: minutes).
TEST(RequestFramer, CostIsLinearInTheBytesHoweverTheyAreSplit) {
  FramingLimits limits;
  limits.max_header_bytes = 1 << 20;
  limits.max_headers = 100000;
  std::string input = "GET /a HTTP/1.1\r\nHost: a\r\n";
  while (input.size() < (256u << 10))
    input += "X-Header-" + std::to_string(input.size()) + ": v\r\n";
  input += "\r\n";
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_EQ(byteByByte(input, limits), "REQ GET /a body= keep\n");
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST(SplitTarget, AcceptsTheThreeFormsAndRefusesTheRest) {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  EXPECT_TRUE(switchboard::kernel::http::splitTarget("/p?a=1&&b", path, query));
  EXPECT_EQ(path, "/p");
  ASSERT_EQ(query.size(), 2u);
  EXPECT_EQ(query[1], (std::pair<std::string, std::string>{"b", ""}));
  query.clear();
  EXPECT_TRUE(switchboard::kernel::http::splitTarget("*", path, query));
  EXPECT_EQ(path, "*");
  EXPECT_TRUE(switchboard::kernel::http::splitTarget("https://h.example", path, query));
  EXPECT_EQ(path, "/");
  EXPECT_FALSE(switchboard::kernel::http::splitTarget("", path, query));
  EXPECT_FALSE(switchboard::kernel::http::splitTarget("relative/path", path, query));
}

}  // namespace
