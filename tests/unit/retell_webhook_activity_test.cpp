// The diagnostic's last webhook per company: written at most once a second, shown exactly.
#include <gtest/gtest.h>

#include "webhook_activity.h"

using retell::WebhookActivity;
using namespace std::chrono_literals;

TEST(WebhookActivity, WritesACompanysRowAtMostOnceASecond) {
  WebhookActivity activity;
  const WebhookActivity::Clock::time_point t0{100s};
  EXPECT_TRUE(activity.seen("a", {"call_started", "c1", 1000}, t0));
  EXPECT_FALSE(activity.seen("a", {"call_ended", "c1", 1200}, t0 + 300ms));
  EXPECT_TRUE(activity.seen("b", {"call_started", "c2", 1300}, t0 + 400ms));  // its own second
  EXPECT_FALSE(activity.seen("a", {"call_analyzed", "c1", 1900}, t0 + 999ms));
  EXPECT_TRUE(activity.seen("a", {"call_started", "c3", 2000}, t0 + 1s));
}

TEST(WebhookActivity, ShowsTheNewerOfTheTableAndThisProcess) {
  WebhookActivity activity;
  const WebhookActivity::Clock::time_point t0{100s};
  activity.seen("a", {"call_started", "c1", 1000}, t0);
  activity.seen("a", {"call_analyzed", "c1", 1500}, t0 + 10ms);  // not written: still shown
  activity.seen("a", {"call_ended", "c0", 900}, t0 + 20ms);      // older, arrived later
  activity.seen("b", {"call_started", "c2", 1000}, t0);
  auto shown = activity.merged({{"b", {"call_ended", "c9", 5000}},  // another process, newer
                                {"z", {"call_started", "c7", 10}}});
  EXPECT_EQ(shown["a"].event, "call_analyzed");
  EXPECT_EQ(shown["a"].call_id, "c1");
  EXPECT_EQ(shown["a"].received_at_ms, 1500);
  EXPECT_EQ(shown["b"].event, "call_ended");
  EXPECT_EQ(shown["b"].call_id, "c9");
  EXPECT_EQ(shown["z"].received_at_ms, 10);
  EXPECT_EQ(shown.size(), 3u);
}
