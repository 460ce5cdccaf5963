// Cal.com's webhook signature (PROVIDERS.md's computed example) and the translation of its
// webhook body into the SDK's CalendarChange.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "calcom_signature.h"
#include "calcom_webhook.h"
#include "rate_limit.h"
#include "support/paths.h"
#include "switchboard/time.h"

namespace {

const std::string kPing =
    R"({"triggerEvent":"PING","createdAt":"2024-01-15T10:00:00.000Z","payload":{}})";
const std::string kExample = "bacfad6ec372609a0f74abe6fa3b47c3481304f31fb2020e5951bd9c663dd400";

std::string fixture(const std::string& name) {
  std::ifstream in(sbtest::sourceDir() + "/tests/fixtures/calcom/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CalcomSignature, MatchesThePublishedExample) {
  EXPECT_EQ(calcom::signatureOf(kPing, "test-secret"), kExample);
  EXPECT_TRUE(calcom::validSignature(kExample, kPing, "test-secret"));
  EXPECT_TRUE(calcom::validSignature("sha256=" + kExample, kPing, "test-secret"));
  std::string upper = kExample;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(calcom::validSignature(upper, kPing, "test-secret"));
}

TEST(CalcomSignature, RefusesTamperingAndMissingSecrets) {
  EXPECT_FALSE(calcom::validSignature(kExample, kPing + " ", "test-secret"));
  EXPECT_FALSE(calcom::validSignature(kExample, kPing, "other-secret"));
  EXPECT_FALSE(calcom::validSignature(kExample.substr(1), kPing, "test-secret"));
  EXPECT_FALSE(calcom::validSignature("", kPing, "test-secret"));
  EXPECT_FALSE(calcom::validSignature("no-secret-provided", kPing, "test-secret"));
  // A webhook without a secret is never trusted, whatever it carries.
  EXPECT_FALSE(calcom::validSignature(calcom::signatureOf(kPing, ""), kPing, ""));
}

TEST(CalcomWebhook, TheFixtureBecomesACalendarChange) {
  const auto doc = switchboard::json::parse(fixture("booking_created.json"));
  const auto change = calcom::changeFrom(doc.root());
  EXPECT_EQ(change.change, "created");
  EXPECT_EQ(change.booking.id, "bk_7Hq2xYpLmN3");
  EXPECT_EQ(change.event_type, "101");
  EXPECT_EQ(switchboard::time::formatUtc(change.start), "2025-11-27T14:00:00Z");
  EXPECT_EQ(switchboard::time::formatUtc(change.end), "2025-11-27T14:30:00Z");
  EXPECT_EQ(change.status, "accepted");
  EXPECT_EQ(change.attendee_name, "Jana Weber");
  EXPECT_EQ(change.meta("switchboard_appointment_id"), "a-123");
  EXPECT_EQ(calcom::identityOf(doc.root()),
            "bk_7Hq2xYpLmN3:BOOKING_CREATED:2025-11-27T09:12:44.120Z");
  // Round trip through the event's JSON.
  const auto back = switchboard::events::CalendarChange::fromJson(change.toJson());
  EXPECT_EQ(back.booking.id, change.booking.id);
  EXPECT_EQ(back.start, change.start);
  EXPECT_EQ(back.meta("switchboard_appointment_id"), "a-123");
}

TEST(CalcomWebhook, TriggersThatChangeNoBookingAreNamedSo) {
  EXPECT_EQ(calcom::changeOf("BOOKING_CANCELLED"), "cancelled");
  EXPECT_EQ(calcom::changeOf("BOOKING_RESCHEDULED"), "rescheduled");
  EXPECT_EQ(calcom::changeOf("BOOKING_NO_SHOW_UPDATED"), "no_show");
  EXPECT_EQ(calcom::changeOf("MEETING_ENDED"), "ended");
  EXPECT_EQ(calcom::changeOf("PING"), "");
  EXPECT_EQ(calcom::changeOf("BOOKING_PAID"), "");
  EXPECT_EQ(calcom::changeOf("BOOKING_CANCELED"), "");  // Cal.com spells it with two L
}

}  // namespace

TEST(CalcomRateLimit, AKeysMinuteHoldsItsLimitAndNoMore) {
  using namespace std::chrono;
  calcom::KeyRateLimit limit(3);
  const auto t0 = steady_clock::time_point(seconds(1000));
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limit.acquire("cal_a", t0 + seconds(i)));
  // The 4th within the minute waits until the first is a minute old (not sent, not counted).
  const auto wait = limit.acquire("cal_a", t0 + seconds(10));
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, milliseconds(50000));
  EXPECT_TRUE(limit.acquire("cal_a", t0 + seconds(59)));
  EXPECT_FALSE(limit.acquire("cal_b", t0 + seconds(10)));  // another key has its own minute
  EXPECT_FALSE(limit.acquire("cal_a", t0 + seconds(60)));  // the first has left the window
  EXPECT_TRUE(limit.acquire("cal_a", t0 + seconds(60)));
  calcom::KeyRateLimit off(0);
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(off.acquire("cal_a", t0));
}
