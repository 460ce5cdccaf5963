// The retry schedule: exponential ceilings capped, full jitter inside them, dead at the end.
#include "util/backoff.h"

#include <gtest/gtest.h>

namespace {

using std::chrono::milliseconds;
using switchboard::kernel::util::backoffCeiling;
using switchboard::kernel::util::retryDelay;
using switchboard::kernel::util::RetryPolicy;

TEST(Backoff, CeilingDoublesFromTheBaseUntilTheCap) {
  const RetryPolicy p{milliseconds(100), milliseconds(1000), 10};
  EXPECT_EQ(backoffCeiling(p, 1), milliseconds(100));
  EXPECT_EQ(backoffCeiling(p, 2), milliseconds(200));
  EXPECT_EQ(backoffCeiling(p, 3), milliseconds(400));
  EXPECT_EQ(backoffCeiling(p, 4), milliseconds(800));
  EXPECT_EQ(backoffCeiling(p, 5), milliseconds(1000));
  EXPECT_EQ(backoffCeiling(p, 9), milliseconds(1000));
}

TEST(Backoff, HugeAttemptNumbersStayAtTheCapWithoutOverflow) {
  const RetryPolicy p{milliseconds(1000), milliseconds(600000), 1000};
  EXPECT_EQ(backoffCeiling(p, 64), milliseconds(600000));
  EXPECT_EQ(backoffCeiling(p, 999), milliseconds(600000));
  EXPECT_EQ(backoffCeiling(p, 0), milliseconds(1000));
}

TEST(Backoff, FullJitterSpansZeroToTheCeiling) {
  const RetryPolicy p{milliseconds(100), milliseconds(1000), 10};
  EXPECT_EQ(retryDelay(p, 3, 0.0), milliseconds(0));
  EXPECT_EQ(retryDelay(p, 3, 0.5), milliseconds(200));
  EXPECT_EQ(retryDelay(p, 3, 0.999999), milliseconds(399));
  EXPECT_EQ(retryDelay(p, 8, 0.25), milliseconds(250));
}

TEST(Backoff, NoDelayAfterTheLastAttemptMeansDead) {
  const RetryPolicy p{milliseconds(100), milliseconds(1000), 3};
  EXPECT_TRUE(retryDelay(p, 1, 0.5).has_value());
  EXPECT_TRUE(retryDelay(p, 2, 0.5).has_value());
  EXPECT_FALSE(retryDelay(p, 3, 0.5).has_value());
  EXPECT_FALSE(retryDelay(p, 4, 0.5).has_value());
}

}  // namespace
