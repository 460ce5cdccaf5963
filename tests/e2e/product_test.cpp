// The product as shipped, end to end (tests/support/shipped_server.h). A Retell call goes in;
// what comes out is what the seed's flows promise: one booking in Cal.com, one SMS to the
// caller, the admins' alerts grouped. Each test runs on SQLite and on a real PostgreSQL.
#include <gtest/gtest.h>

#include "support/eventually.h"
#include "support/future_call.h"
#include "support/shipped_server.h"
#include "switchboard/time.h"

namespace {

namespace time = switchboard::time;
using namespace sbtest::shipped;

class Product : public ::testing::TestWithParam<std::string>, protected ShippedServer {
 protected:
  void SetUp() override { start(GetParam()); }

  void callTwiceOver(const std::string& analyzed) {  // each webhook delivered twice
    for (int round = 0; round < 2; ++round) {
      EXPECT_EQ(postRetell(call_.fixture("call_started.json")), 204);
      EXPECT_EQ(postRetell(call_.fixture("call_ended.json")), 204);
      EXPECT_EQ(postRetell(analyzed), 204);
    }
  }

  sbtest::FutureCall call_;  // the fixtures' call, a Thursday ahead
};

TEST_P(Product, ACallIsBookedAndTheCallerTextedOnceThenToldOfTheCancellation) {
  // The fixture's caller asks for a Haarschnitt "heute um 15 Uhr" on a Thursday.
  calcom_.addFree(kCut, call_.at("15:00"));
  callTwiceOver(call_.fixture("call_analyzed.json"));
  ASSERT_TRUE(sbtest::eventually([&] { return twilio_.taken().size() == 1; })) << server_->output();
  ASSERT_TRUE(settled());
  ASSERT_EQ(calcom_.bookings().size(), 1u);
  const auto sms = twilio_.taken();
  ASSERT_EQ(sms.size(), 1u);
  EXPECT_EQ(twilio_.posts().size(), 1u);
  EXPECT_EQ(sms[0].to, kCaller);
  EXPECT_EQ(sms[0].from, kFrom);
  EXPECT_EQ(
      sms[0].body,
      "Hallo Jana Weber, Ihr Termin für Haarschnitt bei Salon Mitte GmbH (Mitte) ist gebucht: " +
          call_.german() + " um 15:00 Uhr. Torstraße 1, 10119 Berlin");
  EXPECT_TRUE(telegram_.sent().empty());  // nothing went wrong: no admin is bothered

  // Twilio reports the delivery: the message's state follows, once.
  EXPECT_EQ(postStatus(sms[0].status_callback, sms[0].sid, "delivered"), 204);
  EXPECT_EQ(postStatus(sms[0].status_callback, sms[0].sid, "sent"), 204);  // late: ignored
  ASSERT_TRUE(sbtest::eventually([&] {
    return column("SELECT status FROM notification_messages WHERE provider_ref = '" + sms[0].sid +
                  "'") == "delivered";
  })) << server_->output();

  // Cancelled in Cal.com itself: its signed webhook reaches the booking, the caller is told.
  EXPECT_EQ(calcom_.cancelInCalcom(calcom_.bookings()[0].uid, "Krank"), 200);
  ASSERT_TRUE(sbtest::eventually([&] { return twilio_.taken().size() == 2; })) << server_->output();
  ASSERT_TRUE(settled());
  EXPECT_EQ(twilio_.taken()[1].body, "Hallo Jana Weber, Ihr Termin für Haarschnitt am " +
                                         call_.german() +
                                         " um 15:00 Uhr bei Salon Mitte GmbH ist storniert.");
  EXPECT_EQ(twilio_.taken().size(), 2u);
}

class ProductOfferingOnly : public Product {
 protected:
  void SetUp() override {
    edit_tenant_ = [](const std::string& file, std::string& text) {
      if (file == "salon-mitte.yaml")
        replaceOnce(text, "    booking_min_confidence: 0.8\n",
                    "    booking_min_confidence: 0.8\n    alternative_policy: offer\n");
    };
    start(GetParam());
  }
};

TEST_P(ProductOfferingOnly, ATakenTimeBooksNothingAndTextsTheCallerTheFreeTimesOnce) {
  // 15:00 is asked; 15:30 and 16:00 are free. The salon books only what it is asked for.
  calcom_.addFree(kCut, call_.at("15:30"));
  calcom_.addFree(kCut, call_.at("16:00"));
  callTwiceOver(call_.fixture("call_analyzed.json"));
  ASSERT_TRUE(sbtest::eventually([&] { return twilio_.taken().size() == 1; })) << server_->output();
  ASSERT_TRUE(settled());
  EXPECT_TRUE(calcom_.bookings().empty());
  EXPECT_TRUE(calcom_.upstream().requests("POST", "/v2/bookings").empty());
  const auto sms = twilio_.taken();
  ASSERT_EQ(sms.size(), 1u);
  EXPECT_EQ(sms[0].to, kCaller);
  const auto day = call_.german();
  EXPECT_EQ(sms[0].body, "Hallo Jana Weber, 15:00 Uhr am " + day.substr(day.find(' ') + 1) +
                             " ist für Haarschnitt bei Salon Mitte GmbH (Mitte) leider schon "
                             "vergeben. Frei wären: " +
                             day + " um 15:30 Uhr; " + day +
                             " um 16:00 Uhr. Rufen Sie uns an, um einen davon zu buchen.");
  EXPECT_EQ(column("SELECT status FROM booking_requests"), "offered");
  EXPECT_EQ(column("SELECT COUNT(*) FROM appointments"), "0");
  EXPECT_TRUE(telegram_.sent().empty());  // an offer is not a failure: no admin is bothered
}

INSTANTIATE_TEST_SUITE_P(Backends, ProductOfferingOnly, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(Product, ACallToAnUnknownNumberBooksNothingAndTellsOperationsOnce) {
  auto analyzed = call_.fixture("call_analyzed.json");
  replaceOnce(analyzed, "+49301234567", "+49309999999");  // nobody's number
  for (int round = 0; round < 3; ++round) EXPECT_EQ(postRetell(analyzed), 204);
  ASSERT_TRUE(sbtest::eventually([&] { return telegram_.sent().size() == 1; }))
      << server_->output();
  ASSERT_TRUE(settled());
  const auto sent = telegram_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].chat_id, kOps);  // no company to tell: operations
  EXPECT_NE(sent[0].text.find("+49309999999"), std::string::npos) << sent[0].text;
  EXPECT_TRUE(calcom_.upstream().requests("POST", "/v2/bookings").empty());
  EXPECT_TRUE(twilio_.posts().empty());
}

TEST_P(Product, ACalcomOutageIsOneAlertAndOneResolvedAndTheCallIsStillBookedAndTextedOnce) {
  calcom_.addFree(kCut, call_.at("15:00"));
  // Cal.com down: the slots read fails, then the retry's look for an earlier booking, twice
  // in a row: the breaker opens; the job waits out its cool-down (not spending its attempts),
  // the first probe fails again, the next finds Cal.com back.
  calcom_.upstream().failNext("GET", "/v2/slots", 1);
  calcom_.upstream().failNext("GET", "/v2/bookings", 2);
  callTwiceOver(call_.fixture("call_analyzed.json"));
  ASSERT_TRUE(sbtest::eventually([&] { return twilio_.taken().size() == 1; })) << server_->output();
  // Opened and resolved, each once in the salon's chat and in operations.
  ASSERT_TRUE(sbtest::eventually([&] { return telegram_.sent().size() == 4; }))
      << server_->output();
  ASSERT_TRUE(settled());
  EXPECT_EQ(calcom_.bookings().size(), 1u);
  EXPECT_EQ(twilio_.taken().size(), 1u);
  for (const auto& chat : {kSalonChat, kOps}) {
    const auto told = telegram_.sentTo(chat);
    ASSERT_EQ(told.size(), 2u) << chat;
    EXPECT_NE(told[0].text.find("calcom"), std::string::npos) << told[0].text;
    EXPECT_EQ(told[0].parse_mode, "HTML");
  }
  EXPECT_EQ(telegram_.sent().size(), 4u);
}

// A hung upstream holds its own lane only: with the salon's Cal.com answering in 8 s (past the
// 5 s timeout) while four of its calls book, a call to nobody's number still gets its alert to
// operations at once (before lanes it waited behind the bookings on the inbox's two workers).
TEST_P(Product, AHungCalendarHoldsOnlyItsLaneAndAnotherCallsAlertGoesOutAtOnce) {
  using namespace std::chrono;
  calcom_.addFree(kCut, call_.at("15:00"));
  calcom_.setLatency(seconds(8));
  for (int i = 0; i < 4; ++i) {
    auto analyzed = call_.fixture("call_analyzed.json");
    replaceOnce(analyzed, "call_8f1c2d3e4b5a", "call_hung_" + std::to_string(i));
    EXPECT_EQ(postRetell(analyzed), 204);
  }
  // The booking lane is busy waiting on Cal.com.
  ASSERT_TRUE(sbtest::eventually([&] { return !calcom_.upstream().requests().empty(); }))
      << server_->output();
  auto unknown = call_.fixture("call_analyzed.json");
  replaceOnce(unknown, "+49301234567", "+49309999999");  // nobody's number
  const auto sent = steady_clock::now();
  EXPECT_EQ(postRetell(unknown), 204);
  const auto told = [&] {
    for (const auto& m : telegram_.sent())
      if (m.text.find("+49309999999") != std::string::npos) return true;
    return false;
  };
  ASSERT_TRUE(sbtest::eventually(told, seconds(20))) << server_->output();
  const auto waited = duration_cast<milliseconds>(steady_clock::now() - sent);
  // The bookings' calls take 5 s each to time out: an alert behind them waits that long.
  EXPECT_LT(waited, milliseconds(2000)) << "the alert waited " << waited.count() << " ms";
  RecordProperty("alert_ms", static_cast<int>(waited.count()));
  calcom_.setLatency(milliseconds(0));  // the bookings finish before the server stops
}

INSTANTIATE_TEST_SUITE_P(Backends, Product, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
