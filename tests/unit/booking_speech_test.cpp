// How the tool functions say times and lists, and which service a caller's words name.
#include <gtest/gtest.h>

#include "service_lookup.h"
#include "spoken.h"
#include "switchboard/time.h"

namespace {

namespace time = switchboard::time;
const std::string kZone = "Europe/Berlin";

booking::Speech speech(bool german) {
  // Thursday 27 November 2025, 10:00 in Berlin.
  return {german, kZone, *time::fromLocal("2025-11-27", "10:00", kZone)};
}

TEST(Spoken, DaysAreSaidRelativeToTodayInTheBranchsZone) {
  EXPECT_EQ(booking::when(speech(true), *time::fromLocal("2025-11-27", "15:30", kZone)),
            "heute um 15:30 Uhr");
  EXPECT_EQ(booking::when(speech(true), *time::fromLocal("2025-11-28", "09:00", kZone)),
            "morgen um 09:00 Uhr");
  EXPECT_EQ(booking::when(speech(true), *time::fromLocal("2025-12-01", "10:00", kZone)),
            "am Montag, 1.12., um 10:00 Uhr");
  EXPECT_EQ(booking::when(speech(false), *time::fromLocal("2025-11-27", "15:30", kZone)),
            "today at 15:30");
  EXPECT_EQ(booking::when(speech(false), *time::fromLocal("2025-12-01", "10:00", kZone)),
            "on Monday 1 December at 10:00");
  // 23:30 UTC is already the next day in Berlin.
  EXPECT_EQ(booking::when(speech(true), *time::parseUtc("2025-11-27T23:30:00Z")),
            "morgen um 00:30 Uhr");
}

TEST(Spoken, TheSameDayIsNotSaidTwice) {
  const auto asked = *time::fromLocal("2025-12-03", "14:00", kZone);
  EXPECT_EQ(booking::whenAfter(speech(true), *time::fromLocal("2025-12-03", "14:30", kZone), asked),
            "um 14:30 Uhr");
  EXPECT_EQ(booking::whenAfter(speech(true), *time::fromLocal("2025-12-04", "14:00", kZone), asked),
            "am Donnerstag, 4.12., um 14:00 Uhr");
}

TEST(Spoken, Lists) {
  EXPECT_EQ(booking::oneOf({"a"}, true), "a");
  EXPECT_EQ(booking::oneOf({"a", "b"}, true), "a oder b");
  EXPECT_EQ(booking::oneOf({"a", "b", "c"}, false), "a, b or c");
  EXPECT_EQ(booking::allOf({"a", "b", "c"}, true), "a, b und c");
  EXPECT_EQ(booking::allOf({}, true), "");
}

TEST(ServiceLookup, IdNameAliasThenTheLongestContainedName) {
  using switchboard::domain::Service;
  std::vector<Service> services(4);
  services[0].id = "cut";
  services[0].name = "Haarschnitt";
  services[0].aliases = {"Haare schneiden"};
  services[1].id = "cut-men";
  services[1].name = "Haarschnitt Herren";
  services[2].id = "color";
  services[2].name = "Färben";
  services[3].id = "old";
  services[3].name = "Dauerwelle";
  services[3].active = false;
  auto id = [&](const char* said) {
    const auto* s = booking::findService(services, said);
    return s ? s->id : std::string("-");
  };
  EXPECT_EQ(id("cut"), "cut");
  EXPECT_EQ(id("HAARSCHNITT"), "cut");
  EXPECT_EQ(id(" haare schneiden "), "cut");
  EXPECT_EQ(id("Haarschnitt Herren"), "cut-men");
  EXPECT_EQ(id("einen Haarschnitt für Herren bitte"), "cut");  // "Haarschnitt" is inside
  EXPECT_EQ(id("Haarschnitt Herren kurz"), "cut-men");         // the longest name inside
  EXPECT_EQ(id("FÄRBEN"), "color");
  EXPECT_EQ(id("Dauerwelle"), "-");  // inactive
  EXPECT_EQ(id("Ölwechsel"), "-");
  EXPECT_EQ(id(""), "-");
}

}  // namespace
