// Responses as bytes: the transport owns the framing headers; a plugin cannot split a response.
#include "http/response_encoder.h"

#include <gtest/gtest.h>

namespace {

using switchboard::HttpResponse;
using switchboard::kernel::http::encodeResponse;

TEST(ResponseEncoder, WritesStatusFramingAndThePluginsHeaders) {
  auto r = HttpResponse::json(201, R"({"ok":true})");
  r.header("X-Extra", "1");
  const auto bytes = encodeResponse(r, true, false);
  EXPECT_EQ(bytes.rfind("HTTP/1.1 201 Created\r\nDate: ", 0), 0u) << bytes;
  EXPECT_NE(bytes.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("\r\nContent-Length: 11\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("\r\nX-Extra: 1\r\n"), std::string::npos);
  EXPECT_EQ(bytes.substr(bytes.size() - 15), "\r\n\r\n{\"ok\":true}");
}

TEST(ResponseEncoder, DropsHeadersThatWouldBreakFramingOrSplitTheResponse) {
  auto r = HttpResponse::text(200, "hi");
  r.header("Content-Length", "999");
  r.header("Transfer-Encoding", "chunked");
  r.header("Connection", "upgrade");
  r.header("X-Evil", "a\r\nSet-Cookie: x=1");
  r.header("Bad Name", "v");
  const auto bytes = encodeResponse(r, false, false);
  EXPECT_EQ(bytes.find("999"), std::string::npos) << bytes;
  EXPECT_EQ(bytes.find("chunked"), std::string::npos);
  EXPECT_EQ(bytes.find("upgrade"), std::string::npos);
  EXPECT_EQ(bytes.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(bytes.find("Bad Name"), std::string::npos);
  EXPECT_NE(bytes.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("\r\nContent-Length: 2\r\n"), std::string::npos);
}

TEST(ResponseEncoder, HeadGetsTheLengthWithoutTheBodyAndNoContentStatusesNeither) {
  const auto head = encodeResponse(HttpResponse::text(200, "hello"), true, true);
  EXPECT_NE(head.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
  const auto none = encodeResponse(HttpResponse::empty(204), true, false);
  EXPECT_EQ(none.find("Content-Length"), std::string::npos);
}

TEST(ResponseEncoder, TransportErrorsAreTheJsonErrorShapeAndClose) {
  const auto bytes = switchboard::kernel::http::encodeTransportError(431, "too many header fields");
  EXPECT_EQ(bytes.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0), 0u) << bytes;
  EXPECT_NE(bytes.find("Connection: close"), std::string::npos);
  EXPECT_NE(
      bytes.find(R"({"error":{"status":431,"message":"too many header fields","request_id":")"),
      std::string::npos);
}

}  // namespace
