// What callers say and what the calls feature must understand of it, with the example catalog
// (config/tenants/: salon-mitte in German, brooklyn-barbers in English) and the call taking
// place on Tuesday 2026-11-24 at 10:15 local time. Used by the unit test (extractIntent) and
// the end-to-end test (`switchboard calls extract`), so both run the same table.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sbtest {

struct ExtractionCase {
  std::string company;
  std::string text;
  std::optional<std::string> service;
  std::optional<std::string> start_local;
  bool book;
  std::optional<std::string> staff = std::nullopt;
};

inline const char* kExtractionAt = "2026-11-24T10:15";

inline const std::vector<ExtractionCase>& extractionCases() {
  static const std::vector<ExtractionCase> cases = {
      // German: bookings
      {"salon-mitte", "Ich hätte gern einen Termin für einen Haarschnitt morgen um 14 Uhr", "cut",
       "2026-11-25T14:00", true},
      {"salon-mitte", "Haare schneiden lassen, morgen um 14 Uhr bitte", "cut", "2026-11-25T14:00",
       true},
      {"salon-mitte", "Kann ich Freitag um halb drei zum Färben kommen?", "color",
       "2026-11-27T14:30", true},
      {"salon-mitte", "Ich möchte am 3. Dezember um 9:30 einen Haarschnitt", "cut",
       "2026-12-03T09:30", true},
      {"salon-mitte", "Einen Termin für einen Haarschnitt am 5.1. um 10 Uhr", "cut",
       "2027-01-05T10:00", true},
      {"salon-mitte", "Übermorgen Viertel nach elf für einen Haarschnitt", "cut",
       "2026-11-26T11:15", true},
      {"salon-mitte", "Ich bräuchte einen Herrenhaarschnitt am Donnerstag um 16 Uhr", "cut",
       "2026-11-26T16:00", true},
      {"salon-mitte", "Haben Sie morgen um 11 Uhr Zeit für Strähnchen?", "color",
       "2026-11-25T11:00", true},
      {"salon-mitte", "Ich würde gern nächsten Montag um 10 Uhr zum Schnitt kommen", "cut",
       "2026-11-30T10:00", true},
      {"salon-mitte", "Morgen früh um 9 zum Färben", "color", "2026-11-25T09:00", true},
      {"salon-mitte", "Ist heute um 15 Uhr noch ein Haarschnitt frei?", "cut", "2026-11-24T15:00",
       true},
      {"salon-mitte", "Am Samstag um zehn Uhr Haarschnitt bei Ben", "cut", "2026-11-28T10:00", true,
       "ben"},
      {"salon-mitte", "Freitag um drei Haarschnitt", "cut", "2026-11-27T15:00", true},
      {"salon-mitte", "Ich hätte gern einen Haarschnitt, heute um 15 Uhr.", "cut",
       "2026-11-24T15:00", true},
      {"salon-mitte", "Mein Name ist Jana Weber, ich möchte am Freitag um 9 Uhr färben lassen",
       "color", "2026-11-27T09:00", true},
      {"salon-mitte", "Ich möchte am 24.12. um 10:30 einen Schnitt", "cut", "2026-12-24T10:30",
       true},
      {"salon-mitte", "Dreiviertel vier zum Haarschnitt morgen", "cut", "2026-11-25T15:45", true},
      {"salon-mitte", "Morgen Nachmittag um halb vier Haarschnitt", "cut", "2026-11-25T15:30",
       true},
      {"salon-mitte", "Am Montag um 12 Uhr zum Haarschnitt", "cut", "2026-11-30T12:00", true},
      {"salon-mitte", "Ich hätte gern Spitzen schneiden am Mittwoch um 17 Uhr", "cut",
       "2026-11-25T17:00", true},
      {"salon-mitte", "In drei Tagen um 11 Uhr einen Haarschnitt", "cut", "2026-11-27T11:00", true},
      {"salon-mitte", "Am 1. Dezember um 13 Uhr Färben", "color", "2026-12-01T13:00", true},
      {"salon-mitte", "Ich hätte gern einen Termin zum Färben am 3.12. um 14.30 Uhr", "color",
       "2026-12-03T14:30", true},
      {"salon-mitte", "Um 14 Uhr am Freitag bitte einen Haarschnitt", "cut", "2026-11-27T14:00",
       true},
      {"salon-mitte", "Übermorgen um 10 Uhr Tönung, geht das?", "color", "2026-11-26T10:00", true},
      {"salon-mitte", "Ich möchte einen Termin zum Haarschnitt bei Anna am Donnerstag um 18 Uhr",
       "cut", "2026-11-26T18:00", true, "anna"},
      // German: never a booking
      {"salon-mitte", "Ich möchte meinen Termin absagen", std::nullopt, std::nullopt, false},
      {"salon-mitte", "Ich muss meinen Haarschnitt morgen um 14 Uhr leider stornieren", "cut",
       std::nullopt, false},
      {"salon-mitte", "Können wir den Termin auf Freitag verschieben?", std::nullopt, std::nullopt,
       false},
      {"salon-mitte", "Was kostet ein Haarschnitt?", "cut", std::nullopt, false},
      {"salon-mitte", "Wie viel kostet Färben bei Ihnen?", "color", std::nullopt, false},
      {"salon-mitte", "Ich hätte gern irgendwann nächste Woche einen Haarschnitt", "cut",
       std::nullopt, false},
      {"salon-mitte", "Einen Haarschnitt bitte", "cut", std::nullopt, false},
      {"salon-mitte", "Ich hätte gern einen Termin", std::nullopt, std::nullopt, false},
      {"salon-mitte", "Haben Sie am Wochenende geöffnet?", std::nullopt, std::nullopt, false},
      {"salon-mitte", "Morgen um 14 Uhr", std::nullopt, std::nullopt, false},
      {"salon-mitte", "Guten Morgen, ich hätte gern einen Haarschnitt um 14 Uhr", "cut",
       std::nullopt, false},
      {"salon-mitte", "Haarschnitt und Färben morgen um 10", std::nullopt, std::nullopt, false},
      {"salon-mitte", "Ich bin Kundin und wollte fragen, ob Sie Tönung machen", "color",
       std::nullopt, false},
      {"salon-mitte", "Sometime next week a haircut", "cut", std::nullopt, false},
      {"salon-mitte", "Nächste Woche hätte ich gern einen Haarschnitt", "cut", std::nullopt, false},
      {"salon-mitte", "Bald mal wieder färben", "color", std::nullopt, false},
      // English: bookings
      {"brooklyn-barbers", "I'd like to book a haircut tomorrow at 2 pm", "haircut",
       "2026-11-25T14:00", true},
      {"brooklyn-barbers", "Can I come in for a beard trim next Monday at 11 in the morning?",
       "beard-trim", "2026-11-30T11:00", true},
      {"brooklyn-barbers", "December 2nd at quarter past ten for a haircut please", "haircut",
       "2026-12-02T10:15", true},
      {"brooklyn-barbers", "Do you have time for a cut on Friday at 3?", "haircut",
       "2026-11-27T15:00", true},
      {"brooklyn-barbers", "I want a haircut today at half past four", "haircut",
       "2026-11-24T16:30", true},
      {"brooklyn-barbers", "Haircut on November 28th at 10 am", "haircut", "2026-11-28T10:00",
       true},
      {"brooklyn-barbers", "A shave on Saturday at 9:30 am", "beard-trim", "2026-11-28T09:30",
       true},
      {"brooklyn-barbers", "Book me a haircut with Marcus on Thursday at 5 pm", "haircut",
       "2026-11-26T17:00", true, "marcus"},
      {"brooklyn-barbers", "It's Mike calling, can I come in at noon tomorrow for a haircut",
       "haircut", "2026-11-25T12:00", true},
      {"brooklyn-barbers", "Haircut the day after tomorrow at 11 o'clock", "haircut",
       "2026-11-26T11:00", true},
      {"brooklyn-barbers", "Tomorrow at quarter to three, beard trim please", "beard-trim",
       "2026-11-25T14:45", true},
      {"brooklyn-barbers", "Next Monday at 11 in the morning, haircut", "haircut",
       "2026-11-30T11:00", true},
      {"brooklyn-barbers", "Can you trim my hair on December 5th at 1 pm?", "haircut",
       "2026-12-05T13:00", true},
      // English: never a booking
      {"brooklyn-barbers", "How much is a haircut?", "haircut", std::nullopt, false},
      {"brooklyn-barbers", "I need to cancel my haircut tomorrow at 2", "haircut", std::nullopt,
       false},
      {"brooklyn-barbers", "I'd like to reschedule my appointment", std::nullopt, std::nullopt,
       false},
      {"brooklyn-barbers", "Sometime next week for a haircut", "haircut", std::nullopt, false},
      {"brooklyn-barbers", "Can I get a haircut?", "haircut", std::nullopt, false},
      {"brooklyn-barbers", "I'd like an appointment tomorrow", std::nullopt, std::nullopt, false},
      {"brooklyn-barbers", "What time do you close on Friday?", std::nullopt, std::nullopt, false},
      {"brooklyn-barbers", "Is Dee working on Sunday?", std::nullopt, std::nullopt, false, "dee"},
      {"brooklyn-barbers", "I'd like a haircut at 4 pm", "haircut", std::nullopt, false},
      {"brooklyn-barbers", "I'd like a haircut on Friday", "haircut", std::nullopt, false},
      {"brooklyn-barbers", "I'm calling about the price of a beard trim", "beard-trim",
       std::nullopt, false},
  };
  return cases;
}

}  // namespace sbtest
