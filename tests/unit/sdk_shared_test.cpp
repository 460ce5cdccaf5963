// What the SDK gives every feature: JSON, UTC and zone conversions, phone numbers, typed events.
#include <date/date.h>
#include <gtest/gtest.h>

#include <random>

#include "switchboard/bounded_text.h"
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

TEST(Time, Rfc3339IsReadByHandFractionsAndOffsetsIncluded) {
  EXPECT_EQ(t::parseUtc("2026-12-01T10:00:00.1Z"),
            at("2026-12-01T10:00:00Z") + std::chrono::milliseconds(100));
  EXPECT_EQ(t::parseUtc("2026-12-01T10:00:00.123456789Z"),
            at("2026-12-01T10:00:00Z") + std::chrono::milliseconds(123));
  EXPECT_EQ(t::parseUtc("2026-12-01T11:00:00+0100"), at("2026-12-01T10:00:00Z"));
  EXPECT_EQ(t::parseUtc("2026-12-01T05:30:00-04:30"), at("2026-12-01T10:00:00Z"));
  for (const char* text :
       {"2025-11-27T14:0'0:00Z",  // the provider fuzz target's input
        "2026-12-01T10:00:00.Z", "2026-12-01T10:00:00.1234567890Z", "2026-12-01T10:00:00+01",
        "2026-12-01T10:00:00+01:60", "2026-12-01T10:00:00 Z", "2026-12-01t10:00:00Z",
        "2026-12-01T10:00Z", "2026-12-01T10:00:00ZZ", "2026-12-01T10:00:00+1:00"})
    EXPECT_FALSE(t::parseUtc(text)) << text;
}

TEST(Time, LocalDatesAndTimesAsAgentsWriteThem) {
  const auto expected = at("2026-01-05T08:30:00Z");
  EXPECT_EQ(t::fromLocal("2026-01-05", "09:30", "Europe/Berlin"), expected);
  EXPECT_EQ(t::fromLocal("2026-1-5", "9:30", "Europe/Berlin"), expected);
  for (const auto& [day, time] :
       std::vector<std::pair<const char*, const char*>>{{"2026-01-05", "9:3"},
                                                        {"2026-01-05", "24:00"},
                                                        {"2026-01-05", "09:30:00"},
                                                        {"2026-01-05", "0930"},
                                                        {"2026-01-32", "09:30"},
                                                        {"2026-01-05x", "09:30"},
                                                        {"2026/01/05", "09:30"},
                                                        {"26-01-05", "09:30"},
                                                        {"2026-001-05", "09:30"}})
    EXPECT_FALSE(t::fromLocal(day, time, "Europe/Berlin")) << day << " " << time;
}

TEST(Time, YearsAndOffsetsOutsideTheirRangeAreRefusedBeforeAnyArithmetic) {
  EXPECT_TRUE(t::parseUtc("1970-01-01T00:00:00Z"));
  EXPECT_TRUE(t::parseUtc("2100-12-31T23:59:59Z"));
  for (const char* text :
       {"1969-12-31T23:59:59Z", "2101-01-01T00:00:00Z", "9999-12-31T10:00:00Z",
        "9999-12-31T10:00:00+01:00", "-001-01-01T00:00:00Z", "0000-01-01T00:00:00Z",
        "99999-01-01T00:00:00Z", "2126-12-16T10:00:00.000Z"})
    EXPECT_FALSE(t::parseUtc(text)) << text;
  EXPECT_EQ(t::parseUtc("2026-12-01T10:00:00+14:00"), at("2026-11-30T20:00:00Z"));
  EXPECT_EQ(t::parseUtc("2026-12-01T10:00:00-12:00"), at("2026-12-01T22:00:00Z"));
  EXPECT_FALSE(t::parseUtc("2026-12-01T10:00:00+25:00"));
  EXPECT_FALSE(t::parseUtc("2026-12-01T10:00:00+14:01"));
  EXPECT_FALSE(t::parseUtc("2026-12-01T10:00:00-99:00"));
  EXPECT_FALSE(t::fromLocal("2126-12-16", "10:00", "Europe/Berlin"));
  EXPECT_FALSE(t::fromLocal("9999-12-31", "10:00", "Europe/Berlin"));
  EXPECT_FALSE(t::fromLocal("1969-12-31", "10:00", "Europe/Berlin"));
  EXPECT_TRUE(t::fromLocal("2100-12-31", "10:00", "Europe/Berlin"));
}

// formatUtc and parseUtc write and read their own form by hand: they must agree with date's
// formatting and parsing everywhere they read (1970 to 2100), leap days and year ends included.
TEST(Time, TheCanonicalFormAgreesWithDateAcrossTheCalendar) {
  std::mt19937_64 rng(20261130);
  // 1970-01-01 to 2100-12-31
  std::uniform_int_distribution<long long> any(0, 4133980799LL);
  std::vector<long long> instants = {0, 951782400, 951868799, 1767225599, 1767225600, 4133980799LL};
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

TEST(Phone, FullwidthAndArabicDigitsReadAsTheirNumber) {
  namespace phone = switchboard::phone;
  EXPECT_EQ(phone::normalised("\uFF0B\uFF14\uFF19 30 1234567"), "+49 30 1234567");
  EXPECT_EQ(phone::normalised("\u0660\u0663\u0660 \u06F1\u06F2"), "030 12");
  EXPECT_EQ(phone::toE164("\uFF0B\uFF14\uFF19\uFF13\uFF10\uFF11\uFF12\uFF13\uFF14\uFF15"
                          "\uFF16\uFF17",
                          "")
                .e164,
            "+49301234567");
  EXPECT_EQ(phone::readings("\u0660\u0663\u0660 1234567", {"DE"}),
            std::vector<std::string>{"+49301234567"});
  EXPECT_FALSE(phone::normalised("+49 \xff"));  // not UTF-8
}

TEST(Phone, TextLongerThanANumberIsRefusedBeforeItIsParsed) {
  namespace phone = switchboard::phone;
  const std::string longest = "+49 (0) 30 1234567 / 89 - 00 112";  // 32 characters
  ASSERT_EQ(longest.size(), phone::kMaxChars);
  EXPECT_TRUE(phone::normalised(longest));
  EXPECT_FALSE(phone::normalised(longest + "2"));
  // Characters, not bytes: 32 fullwidth digits are 96 bytes and still within the bound.
  std::string wide;
  for (int i = 0; i < 32; ++i) wide += "\uFF11";
  EXPECT_TRUE(phone::normalised(wide));
  EXPECT_FALSE(phone::normalised(wide + "\uFF11"));
  // The issue's 20,000 digits: refused at once (libphonenumber took seconds on them).
  const std::string digits(20000, '4');
  const auto parsed = phone::toE164("+" + digits, "DE");
  EXPECT_FALSE(parsed.e164);
  EXPECT_EQ(parsed.error, "longer than 32 characters: not a phone number");
  EXPECT_TRUE(phone::readings(digits, {"DE"}).empty());
}

TEST(BoundedText, FreeTextIsCleanedAndCutByCharacters) {
  namespace text = switchboard::text;
  EXPECT_EQ(text::bounded("  Jana\r\n  Weber\t ", 100), "Jana Weber");
  EXPECT_EQ(text::bounded(std::string("An\0na\x1b[31m\xc2\x9b\xff", 13), 100), "Anna[31m");
  EXPECT_EQ(text::bounded("Jürgen Müller", 6), "Jürgen");  // characters, not bytes
  EXPECT_EQ(text::bounded("Jürgen Müller", 8, true), "Jürgen \u2026");
  EXPECT_EQ(text::bounded(std::string(100000, 'x'), 100).size(), 100u);
  EXPECT_EQ(text::characters("Grüße"), 5u);
}

TEST(BoundedText, OwnTextsAreCutToAnUpstreamsLimitWithAnEllipsis) {
  namespace text = switchboard::text;
  EXPECT_EQ(text::cut("Hallo", 5), "Hallo");
  EXPECT_EQ(text::cut("Hallo Jana", 6), "Hallo\u2026");
  EXPECT_EQ(text::characters(text::cut(std::string(3000, 'a') + "ü", 1600)), 1600u);
  EXPECT_EQ(text::cut("Zeile 1\nZeile 2", 100), "Zeile 1\nZeile 2");  // lines kept
  EXPECT_EQ(text::utf8SequenceAt("\xc3\xbc", 0), 2u);
  EXPECT_EQ(text::utf8SequenceAt("\xc3", 0), 0u);
  EXPECT_EQ(text::utf8SequenceAt("\xc0\xaf", 0), 0u);  // overlong
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

TEST(TypedEvents, AlternativeBookedKeepsBothTimesAndAnOfferItsTimesInOrder) {
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

  switchboard::events::BookingFailed failed{
      "salon-mitte", {"retell", "c1"}, "haircut", at("2026-12-01T09:00:00Z"), "no slot"};
  const auto f = switchboard::events::BookingFailed::fromJson(failed.toJson());
  EXPECT_EQ(f.call.id, "c1");
  EXPECT_EQ(f.reason, "no slot");

  switchboard::events::AlternativesOffered offer{
      "booking:retell:c1",
      alt.appointment,
      {at("2026-12-02T09:00:00Z"), at("2026-12-02T10:00:00Z")},
      "same day, nearest time"};
  const auto o = switchboard::events::AlternativesOffered::fromJson(offer.toJson());
  EXPECT_EQ(o.request, "booking:retell:c1");
  EXPECT_EQ(o.appointment.customer_phone, alt.appointment.customer_phone);
  ASSERT_EQ(o.offered.size(), 2u);
  EXPECT_EQ(o.offered[1], at("2026-12-02T10:00:00Z"));
  EXPECT_EQ(o.reason, "same day, nearest time");
}

}  // namespace
