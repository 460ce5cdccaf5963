#include "http/route_table.h"

#include <gtest/gtest.h>

namespace {

using switchboard::kernel::http::RouteTable;

switchboard::HttpHandler noop = [](const switchboard::HttpRequest&) {
  return switchboard::HttpResponse::empty(204);
};

switchboard::kernel::http::RouteTarget target(std::string method, std::string label) {
  switchboard::kernel::http::RouteTarget t;
  t.method = std::move(method);
  t.label = std::move(label);
  t.handler = &noop;
  return t;
}

RouteTable table() {
  RouteTable t;
  t.add("/webhooks/retell", target("POST", "POST /webhooks/retell"));
  t.add("/webhooks/retell", target("GET", "GET /webhooks/retell"));
  t.add("/companies/{company}/calls/{call}", target("GET", "calls"));
  t.add("/companies/{company}/calls/latest", target("GET", "latest"));
  return t;
}

TEST(RouteTable, ExactPathPicksTheMethod) {
  const auto t = table();
  const auto m = t.match("POST", "/webhooks/retell");
  ASSERT_NE(m.target, nullptr);
  EXPECT_EQ(m.target->label, "POST /webhooks/retell");
}

TEST(RouteTable, KnownPathWithOtherMethodListsAllowed) {
  const auto t = table();
  const auto m = t.match("DELETE", "/webhooks/retell");
  EXPECT_EQ(m.target, nullptr);
  EXPECT_EQ(m.allow, "POST, GET");
}

TEST(RouteTable, UnknownPathHasNoAllow) {
  const auto t = table();
  const auto m = t.match("GET", "/webhooks/other");
  EXPECT_EQ(m.target, nullptr);
  EXPECT_EQ(m.allow, "");
}

TEST(RouteTable, ParametersAreCapturedAndDecoded) {
  const auto t = table();
  const auto m = t.match("GET", "/companies/salon%20mitte/calls/c-17");
  ASSERT_NE(m.target, nullptr);
  EXPECT_EQ(m.target->label, "calls");
  ASSERT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>{"company", "salon mitte"}));
  EXPECT_EQ(m.params[1], (std::pair<std::string, std::string>{"call", "c-17"}));
}

TEST(RouteTable, FirstPatternAddedWins) {
  const auto t = table();
  EXPECT_EQ(t.match("GET", "/companies/a/calls/latest").target->label, "calls");
}

TEST(RouteTable, SegmentCountMustMatchAndEmptySegmentsDoNotBind) {
  const auto t = table();
  EXPECT_EQ(t.match("GET", "/companies/a/calls").target, nullptr);
  EXPECT_EQ(t.match("GET", "/companies/a/calls/b/c").target, nullptr);
  EXPECT_EQ(t.match("GET", "/companies//calls/b").target, nullptr);
}

TEST(RouteTable, DuplicateMethodAndPathIsRefused) {
  auto t = table();
  EXPECT_THROW(t.add("/webhooks/retell", target("POST", "again")), std::invalid_argument);
}

TEST(PercentDecode, DecodesEscapesAndOptionallyPlus) {
  EXPECT_EQ(switchboard::percentDecode("a%2Fb+c", false), "a/b+c");
  EXPECT_EQ(switchboard::percentDecode("a%2fb+c", true), "a/b c");
  EXPECT_EQ(switchboard::percentDecode("100%", true), "100%");
  EXPECT_EQ(switchboard::percentDecode("%zz", true), "%zz");
}

}  // namespace
