// What the SDK gives every feature: JSON, UTC and zone conversions, phone numbers, typed events.
#include <date/date.h>
#include <gtest/gtest.h>

#include <random>

#include "switchboard/events/booking.h"
#include "switchboard/events/calls.h"
#include "switchboard/json.h"
#include "switchboard/phone.h"
#include "switchboard/time.h"
#include "switchboard/typed_event.h"

namespace {

namespace json = switchboard::json;
namespace t = switchboard::time;
using switchboard::TimePoint;

TimePoint at(const char* iso) {
  return *t::parseUtc(iso);
}

TEST(Json, BuilderEscapesAndNests) {
  const auto text = json::Builder()
                        .object()
                        .field("name", std::string("Jürgen \"JJ\"\n"))
                        .field("minutes", 45)
                        .field("none", std::optional<std::string>())
                        .key("tags")
                        .array()
                        .value("a")
                        .value(true)
                        .end()
                        .end()
                        .str();
  EXPECT_EQ(text, R"({"name":"Jürgen \"JJ\"\n","minutes":45,"none":null,"tags":["a",true]})");
}

TEST(Json, ReaderNamesWhatIsMissingAndWhereTextIsMalformed) {
  const auto doc = json::parse(R"({"call":{"id":"c1","n":3,"x":null},"list":[1,2]})");
  const auto root = doc.root();
  EXPECT_EQ(root["call"].string("id"), "c1");
  EXPECT_EQ(root["call"].integer("n"), 3);
  EXPECT_FALSE(root["call"]["x"].exists());
  EXPECT_FALSE(root["nope"]["deeper"].string("id"));  // chains never throw
  EXPECT_EQ(root["list"].items().size(), 2u);
  EXPECT_EQ(root["call"].text(), R"({"id":"c1","n":3,"x":null})");
  // A view outlives the expression that parsed it (found by ASan in a plugin: items() of a
  // temporary document).
  const auto items = json::parse(R"({"data":[{"id":"b1"}]})").root()["data"].items();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].string("id"), "b1");
  try {
    root.requireString("call_id");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "missing string field 'call_id'");
  }
  try {
    json::parse(R"({"a":1,})");
    FAIL();
  } catch (const json::ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("malformed JSON at byte 7"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(json::parse(R"({"a":1} trailing)"), json::ParseError);
}

TEST(Time, UtcTextRoundTripsAndOffsetsAreApplied) {
  EXPECT_EQ(t::formatUtc(at("2026-11-28T09:30:00Z")), "2026-11-28T09:30:00Z");
  EXPECT_EQ(t::formatUtc(at("2026-11-28T10:30:00+01:00")), "2026-11-28T09:30:00Z");
  EXPECT_EQ(t::formatUtc(at("2026-11-28T09:30:00.250Z")), "2026-11-28T09:30:00Z");
  EXPECT_FALSE(t::parseUtc("2026-11-28T09:30:00"));  // no zone: ambiguous
  EXPECT_FALSE(t::parseUtc("2026-11-28 09:30"));
  EXPECT_FALSE(t::parseUtc("2026-11-28T09:30:00Zjunk"));
}

// formatUtc and parseUtc write and read their own form by hand: they must agree with date's
// formatting and parsing everywhere, leap days, year ends and times before 1970 included.
TEST(Time, TheCanonicalFormAgreesWithDateAcrossTheCalendar) {
  std::mt19937_64 rng(20261130);
  // 1900 to 2261 (a TimePoint counts nanoseconds: 2262 is its end)
  std::uniform_int_distribution<long long> any(-2208988800LL, 9214646399LL);
  std::vector<long long> instants = {0, -1, 951782400, 951868799, 1767225599, 1767225600,
                                     9214646399LL};
  for (int i = 0; i < 20000; ++i) instants.push_back(any(rng));
  for (const long long s : instants) {
    const TimePoint tp{std::chrono::seconds(s)};
    const std::string expected = date::format("%FT%TZ", date::floor<std::chrono::seconds>(tp));
    ASSERT_EQ(t::formatUtc(tp), expected) << s;
    ASSERT_EQ(t::parseUtc(expected), tp) << expected;
    ASSERT_EQ(t::formatUtc(tp + std::chrono::milliseconds(999)), expected) << s;  // floored
  }
  // What the hand parser turns away goes to date::parse, which decides as before.
  EXPECT_FALSE(t::parseUtc("2026-02-29T10:00:00Z"));  // not a leap year
  EXPECT_EQ(t::parseUtc("2028-02-29T10:00:00Z"), at("2028-02-29T11:00:00+01:00"));
  EXPECT_FALSE(t::parseUtc("2026-13-01T10:00:00Z"));
  EXPECT_FALSE(t::parseUtc("2026-12-01T24:00:00Z"));
  EXPECT_FALSE(t::parseUtc("2026-12-01T10:60:00Z"));
  EXPECT_FALSE(t::parseUtc("2026-12-0xT10:00:00Z"));
  EXPECT_FALSE(t::parseUtc("2026-12-01X10:00:00Z"));
  EXPECT_EQ(t::parseUtc("2026-12-01T10:00:00z"), at("2026-12-01T10:00:00Z"));
}

TEST(Time, LocalTimesFollowTheZoneAcrossDaylightSaving) {
  const auto local = t::toLocal(at("2026-11-28T23:30:00Z"), "Europe/Berlin");
  EXPECT_EQ(local.date, "2026-11-29");
  EXPECT_EQ(local.time, "00:30");
  EXPECT_EQ(local.weekday, 0);  // Sunday
  EXPECT_EQ(t::formatUtc(*t::fromLocal("2026-07-01", "10:00", "Europe/Berlin")),
            "2026-07-01T08:00:00Z");
  EXPECT_EQ(t::formatUtc(*t::fromLocal("2026-12-01", "10:00", "America/New_York")),
            "2026-12-01T15:00:00Z");
  // 02:30 does not exist on 2026-03-29 in Berlin: it is 03:30 CEST.
  EXPECT_EQ(t::formatUtc(*t::fromLocal("2026-03-29", "02:30", "Europe/Berlin")),
            "2026-03-29T01:30:00Z");
  // 02:30 happens twice on 2026-10-25: the earlier (CEST).
  EXPECT_EQ(t::formatUtc(*t::fromLocal("2026-10-25", "02:30", "Europe/Berlin")),
            "2026-10-25T00:30:00Z");
  EXPECT_FALSE(t::fromLocal("2026-13-01", "10:00", "Europe/Berlin"));
  EXPECT_FALSE(t::fromLocal("2026-02-29", "10:00", "Europe/Berlin"));
  EXPECT_FALSE(t::fromLocal("2026-12-01", "24:00", "Europe/Berlin"));
  EXPECT_FALSE(t::fromLocal("2026-12-01", "10:0x", "Europe/Berlin"));
  EXPECT_THROW(t::toLocal(at("2026-11-28T09:30:00Z"), "Mars/Olympus"), std::invalid_argument);
}

// fromLocal reads "YYYY-MM-DD" and "HH:MM" by hand: every local minute toLocal writes reads
// back as the moment it came from (or, in the hour a clock repeats, the earlier of the two).
TEST(Time, LocalTextReadsBackAsTheMomentItCameFrom) {
  std::mt19937_64 rng(20261130);
  std::uniform_int_distribution<long long> minute(0, 4102444800LL / 60);  // 1970..2100
  for (const char* zone : {"Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"}) {
    for (int i = 0; i < 5000; ++i) {
      const TimePoint tp{std::chrono::minutes(minute(rng))};
      const auto local = t::toLocal(tp, zone);
      const auto back = t::fromLocal(local.date, local.time, zone);
      ASSERT_TRUE(back) << local.date << " " << local.time;
      if (*back != tp) {  // the repeated hour: the earlier moment, an hour before
        EXPECT_EQ(tp - *back, std::chrono::hours(1)) << zone << " " << t::formatUtc(tp);
        EXPECT_EQ(t::toLocal(*back, zone).time, local.time);
      }
    }
  }
}

TEST(Phone, NationalAndInternationalFormsBecomeE164) {
  EXPECT_EQ(switchboard::phone::toE164("030 1234567", "DE").e164, "+49301234567");
  EXPECT_EQ(switchboard::phone::toE164("+1 (718) 555-0142", "").e164, "+17185550142");
  EXPECT_FALSE(switchboard::phone::toE164("12", "DE").e164);
}

TEST(TypedEvents, BookingRequestedRoundTripsThroughItsTopic) {
  switchboard::events::BookingRequested e;
  e.company = "salon-mitte";
  e.branch = "mitte";
  e.call = {"retell", "call_123"};
  e.customer_id = 7;
  e.customer_name = "Anna Schmidt";
  e.customer_phone = "+4915112345678";
  e.language = "de";
  e.service = "haircut";
  e.requested_start = at("2026-12-01T09:00:00Z");
  e.time_zone = "Europe/Berlin";
  switchboard::Event event{
      switchboard::events::BookingRequested::kTopic, e.toJson(), "id-1", {}, "salon-mitte"};
  EXPECT_EQ(event.topic, "calls.booking_requested");
  const auto back = switchboard::decode<switchboard::events::BookingRequested>(event);
  EXPECT_EQ(back.call, e.call);
  EXPECT_EQ(back.customer_id, 7);
  EXPECT_EQ(back.customer_name, "Anna Schmidt");
  EXPECT_EQ(back.requested_start, e.requested_start);
  EXPECT_EQ(back.staff, "");
  event.topic = "booking.failed";
  EXPECT_THROW(switchboard::decode<switchboard::events::BookingRequested>(event),
               std::invalid_argument);
  EXPECT_THROW(switchboard::events::BookingRequested::fromJson(R"({"company":"x"})"),
               std::invalid_argument);
}

TEST(TypedEvents, AlternativeBookedKeepsBothTimesAndFailedKeepsWhatWasOffered) {
  switchboard::events::AlternativeBooked alt;
  alt.appointment.appointment_id = 42;
  alt.appointment.company = "salon-mitte";
  alt.appointment.booking = {"calcom", "uid-9"};
  alt.appointment.start = at("2026-12-01T10:00:00Z");
  alt.appointment.end = at("2026-12-01T10:45:00Z");
  alt.requested_start = at("2026-12-01T09:00:00Z");
  alt.reason = "same day, nearest time";
  const auto back = switchboard::events::AlternativeBooked::fromJson(alt.toJson());
  EXPECT_EQ(back.appointment.appointment_id, 42);
  EXPECT_EQ(back.appointment.booking.id, "uid-9");
  EXPECT_EQ(back.appointment.end, alt.appointment.end);
  EXPECT_EQ(back.requested_start, alt.requested_start);

  switchboard::events::BookingFailed failed{"salon-mitte", {"retell", "c1"},
                                            "haircut",     at("2026-12-01T09:00:00Z"),
                                            "no slot",     {at("2026-12-02T09:00:00Z")}};
  const auto f = switchboard::events::BookingFailed::fromJson(failed.toJson());
  ASSERT_EQ(f.offered.size(), 1u);
  EXPECT_EQ(f.offered[0], at("2026-12-02T09:00:00Z"));
}

}  // namespace
