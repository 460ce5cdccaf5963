#include "observability/metrics.h"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;

TEST(Metrics, RendersRequestsByRouteAndStatusAndCumulativeBuckets) {
  switchboard::kernel::observability::Metrics m;
  auto& route = m.route("POST /webhooks/{p}");
  route.record(200, 300us);
  route.record(200, 3ms);
  route.record(500, 2s);
  EXPECT_EQ(&route, &m.route("POST /webhooks/{p}"));
  const std::string text = m.render({{"switchboard_plugins_running", "help", 3}});
  EXPECT_NE(
      text.find("switchboard_http_requests_total{route=\"POST /webhooks/{p}\",status=\"200\"} 2"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("status=\"500\"} 1"), std::string::npos);
  EXPECT_NE(text.find("le=\"0.0005\"} 1"), std::string::npos);
  EXPECT_NE(text.find("le=\"0.005\"} 2"), std::string::npos);
  EXPECT_NE(text.find("le=\"+Inf\"} 3"), std::string::npos);
  EXPECT_NE(text.find("switchboard_plugins_running 3"), std::string::npos);
  EXPECT_NE(text.find("# TYPE switchboard_http_request_duration_seconds histogram"),
            std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(switchboard::kernel::observability::labelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
