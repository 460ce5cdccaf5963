// The pure parts of the messaging providers and the notifications feature: Twilio's published
// signature vectors and tampered variants, Telegram's text limits, templates, quiet hours.
#include <gtest/gtest.h>

#include "alert_policy.h"
#include "local_words.h"
#include "quiet_hours.h"
#include "switchboard/config/yaml_reader.h"
#include "switchboard/crypto.h"
#include "switchboard/events/calls.h"
#include "switchboard/time.h"
#include "telegram_text.h"
#include "templates.h"
#include "twilio_api.h"
#include "twilio_callbacks.h"
#include "twilio_signature.h"

namespace {

namespace time = switchboard::time;

const twilio::Params kParams{{"CallSid", "CA1234567890ABCDE"},
                             {"Caller", "+14158675309"},
                             {"Digits", "1234"},
                             {"From", "+14158675309"},
                             {"To", "+18005551212"}};
const std::string kUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
const std::string kUrl443 = "https://mycompany.com:443/myapp.php?foo=1&bar=2";

std::string formOf(const twilio::Params& p) {
  std::string out;
  for (const auto& [k, v] : p)
    out += (out.empty() ? "" : "&") + k + "=" + v;  // only '+' needs escaping
  std::string escaped;
  for (char c : out) escaped += c == '+' ? std::string("%2B") : std::string(1, c);
  return escaped;
}

TEST(TwilioSignature, MatchesThePublishedVectors) {
  EXPECT_EQ(twilio::signatureOf(kUrl, kParams, "12345"), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  EXPECT_EQ(twilio::signatureOf(kUrl443, kParams, "12345"), "kvajT1Ptam85bY51eRf/AJRuM3w=");
  // Order of the form does not matter: Twilio sorts.
  twilio::Params reversed(kParams.rbegin(), kParams.rend());
  EXPECT_EQ(twilio::signatureOf(kUrl, reversed, "12345"), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

TEST(TwilioSignature, AcceptsEitherPortFormAndRefusesTampering) {
  const auto body = formOf(kParams);
  EXPECT_TRUE(twilio::validSignature("RSOYDt4T1cUTdK1PDd93/VVr8B8=", kUrl, body, true, "12345"));
  // Signed with :443, received as the URL without it (and the other way round).
  EXPECT_TRUE(twilio::validSignature("kvajT1Ptam85bY51eRf/AJRuM3w=", kUrl, body, true, "12345"));
  EXPECT_TRUE(twilio::validSignature("RSOYDt4T1cUTdK1PDd93/VVr8B8=", kUrl443, body, true, "12345"));
  EXPECT_FALSE(twilio::validSignature("RSOYDt4T1cUTdK1PDd93/VVr8B8=", kUrl, body, true, "54321"));
  EXPECT_FALSE(twilio::validSignature("RSOYDt4T1cUTdK1PDd93/VVr8B9=", kUrl, body, true, "12345"));
  EXPECT_FALSE(twilio::validSignature(
      "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "https://mycompany.com/myapp.php?foo=1&bar=3", body, true,
      "12345"));
  EXPECT_FALSE(twilio::validSignature("RSOYDt4T1cUTdK1PDd93/VVr8B8=", kUrl, body + "&Digits2=1",
                                      true, "12345"));
  EXPECT_FALSE(twilio::validSignature("", kUrl, body, true, "12345"));
  EXPECT_FALSE(twilio::validSignature("RSOYDt4T1cUTdK1PDd93/VVr8B8=", kUrl, body, true, ""));
  EXPECT_EQ(twilio::otherPortForm("http://h:8080/x"), "http://h:8080/x");
  EXPECT_EQ(twilio::otherPortForm("http://h/x"), "http://h:80/x");
}

TEST(TwilioSignature, AJsonBodyIsBoundByItsHash) {
  const std::string body = R"({"a":1})";
  const auto url = "https://h.example/cb?bodySHA256=" + switchboard::crypto::sha256Hex(body);
  const auto sig = twilio::signatureOf(url, {}, "tok");
  EXPECT_TRUE(twilio::validSignature(sig, url, body, false, "tok"));
  EXPECT_FALSE(twilio::validSignature(sig, url, R"({"a":2})", false, "tok"));
}

TEST(TwilioCallbacks, StatusPriceAndStop) {
  const auto s = twilio::statusFrom({{"MessageSid", "SM1"},
                                     {"MessageStatus", "undelivered"},
                                     {"ErrorCode", "30003"},
                                     {"Price", "-0.0075"},
                                     {"PriceUnit", "usd"}});
  EXPECT_EQ(s.message.id, "SM1");
  EXPECT_EQ(s.status, "undelivered");
  EXPECT_EQ(s.error_code, "30003");
  ASSERT_TRUE(s.price);
  EXPECT_EQ(s.price->minor, 1);
  EXPECT_EQ(s.price->currency, "USD");
  EXPECT_FALSE(twilio::priceOf("abc", "USD"));
  EXPECT_TRUE(twilio::isOptOut(" stop. ", ""));
  EXPECT_TRUE(twilio::isOptOut("anything", "STOP"));
  EXPECT_FALSE(twilio::isOptOut("please stop calling at 9", ""));
  EXPECT_TRUE(twilio::isOptIn("Start", ""));
  EXPECT_TRUE(twilio::permanentCode(21211));
  EXPECT_TRUE(twilio::permanentCode(21610));
  EXPECT_FALSE(twilio::permanentCode(20429));
}

TEST(TelegramText, EscapesAndSplitsWithinTheLimit) {
  EXPECT_EQ(telegram::htmlEscape("a<b>&c"), "a&lt;b&gt;&amp;c");
  std::string long_text;
  for (int i = 0; i < 600; ++i) long_text += "Zeile " + std::to_string(i) + " äöü\n";
  const auto pieces = telegram::split(long_text, 4096);
  ASSERT_GT(pieces.size(), 1u);
  std::string joined;
  for (const auto& p : pieces) {
    EXPECT_LE(p.size(), 4096u);
    joined += (joined.empty() ? "" : "\n") + p;  // the split drops the line break it cut at
  }
  EXPECT_TRUE(joined == long_text);
  // No break to take: cut, never inside a UTF-8 character.
  const std::string umlauts(5000, 'a');
  std::string mixed = "ä" + umlauts;
  for (const auto& p : telegram::split(mixed, 4095))
    EXPECT_NE(static_cast<unsigned char>(p[0]) & 0xC0, 0x80);
}

std::vector<switchboard::config::Diagnostic> readTemplates(const std::string& yaml,
                                                           notifications::Templates& t) {
  std::vector<switchboard::config::Diagnostic> problems;
  switchboard::config::YamlReader r("n.yaml", problems);
  t.read(r, YAML::Load(yaml), {"de", "en"});
  return problems;
}

std::string allKinds(const std::string& text) {
  std::string out;
  for (const auto& k : notifications::templateKinds()) out += "    " + k + ": \"" + text + "\"\n";
  return out;
}

TEST(Templates, RenderPerCompanyAndLanguageWithFallbacks) {
  notifications::Templates t;
  const auto problems = readTemplates(
      "default:\n  de:\n" + allKinds("Hallo {customer}") + "  en:\n" + allKinds("Hi {customer}") +
          "salon:\n  de:\n    appointment_booked: \"Servus {customer}\"\n",
      t);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(
      notifications::fill(t.find("salon", "appointment_booked", "de", "de"), {{"customer", "Jo"}}),
      "Servus Jo");
  EXPECT_EQ(t.find("salon", "appointment_cancelled", "de", "de"), "Hallo {customer}");
  EXPECT_EQ(t.find("other", "appointment_booked", "fr", "en"), "Hi {customer}");
  EXPECT_EQ(t.languageOf("other", "appointment_booked", "fr", "de"), "de");
}

TEST(Templates, UnknownVariablesAndMissingLanguagesAreNamedWhereTheyAre) {
  notifications::Templates t;
  const auto problems =
      readTemplates("default:\n  de:\n" + allKinds("Hallo {kunde}") + "  fr:\n" + allKinds("x"), t);
  ASSERT_FALSE(problems.empty());
  std::string all;
  for (const auto& p : problems) all += p.str() + "\n";
  EXPECT_NE(all.find("n.yaml:3:25: config.templates.default.de.appointment_booked: unknown "
                     "variable {kunde}"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("missing language 'en'"), std::string::npos) << all;
  // The alternative's own variables are not the booking's.
  notifications::Templates u;
  const auto wrong =
      readTemplates("default:\n  de:\n    appointment_booked: \"{requested_time}\"\n", u);
  ASSERT_FALSE(wrong.empty());
  EXPECT_NE(wrong[0].str().find("unknown variable {requested_time}"), std::string::npos);
}

TEST(Templates, ATextThatCanOutgrowOneSmsIsNamed) {
  notifications::Templates t;
  // 1,490 characters and one variable (100 at its longest): 1,590, within 1,600.
  const std::string fits = std::string(1490 - 10, 'x') + "{customer}";
  EXPECT_TRUE(
      readTemplates("default:\n  de:\n" + allKinds(fits) + "  en:\n" + allKinds("x"), t).empty());
  const std::string grows = std::string(1490, 'x') + " {customer} {service}";
  const auto problems =
      readTemplates("default:\n  de:\n" + allKinds(grows) + "  en:\n" + allKinds("x"), t);
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].str().find("config.templates.default.de.appointment_booked: can be 1692 "
                                   "characters with its variables at their longest (100 each); "
                                   "an SMS is cut at 1600"),
            std::string::npos)
      << problems[0].str();
}

TEST(Templates, AnOffersListOfTimesCountsAtItsLongest) {
  notifications::Templates t;
  // Five times of at most 48 characters, "; " between: 250, not a name's 100.
  std::string kinds = allKinds("x");
  const std::string offer = std::string(1400, 'x') + "{alternatives}";
  const std::string plain = "alternatives_offered: \"x\"";
  kinds.replace(kinds.find(plain), plain.size(), "alternatives_offered: \"" + offer + "\"");
  const auto problems = readTemplates("default:\n  de:\n" + kinds + "  en:\n" + allKinds("x"), t);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].str().find("alternatives_offered: can be 1650 characters"),
            std::string::npos)
      << problems[0].str();
}

TEST(LocalWords, OfferedTimesReadInTheCustomersLanguageAndZone) {
  const std::vector<switchboard::TimePoint> times{*time::parseUtc("2026-09-30T11:30:00Z"),
                                                  *time::parseUtc("2026-10-01T07:00:00Z"),
                                                  *time::parseUtc("2026-10-02T07:00:00Z")};
  EXPECT_EQ(notifications::timesInWords(times, "Europe/Berlin", "de", 2),
            "Mittwoch, 30. September 2026 um 13:30 Uhr; Donnerstag, 1. Oktober 2026 um 09:00 Uhr");
  EXPECT_EQ(notifications::timesInWords(times, "America/New_York", "en", 5),
            "Wednesday, September 30, 2026 at 7:30 AM; Thursday, October 1, 2026 at 3:00 AM; "
            "Friday, October 2, 2026 at 3:00 AM");
  // The longest a time can read is the bound the template check counts with.
  const auto longest = notifications::timesInWords({*time::parseUtc("2026-09-30T10:30:00Z")},
                                                   "Europe/Berlin", "en", 1);
  EXPECT_LE(longest.size(), notifications::kMaxOfferedChars) << longest;
}

TEST(QuietHours, DeferToTheirEndAcrossMidnightInTheZone) {
  const auto q = *notifications::QuietHours::parse("21:00-08:00");
  const std::string zone = "Europe/Berlin";
  EXPECT_FALSE(q.until(*time::parseUtc("2026-12-01T12:00:00Z"), zone));  // 13:00 local
  EXPECT_EQ(time::formatUtc(*q.until(*time::parseUtc("2026-12-01T21:30:00Z"), zone)),
            "2026-12-02T07:00:00Z");  // 22:30 local → 08:00 local next day
  EXPECT_EQ(time::formatUtc(*q.until(*time::parseUtc("2026-12-02T05:00:00Z"), zone)),
            "2026-12-02T07:00:00Z");  // 06:00 local → 08:00 local today
  EXPECT_FALSE(notifications::QuietHours::parse("25:00-08:00"));
  EXPECT_FALSE(notifications::QuietHours::parse("none")->until(
      *time::parseUtc("2026-12-01T23:00:00Z"), zone));
}

TEST(AlertPolicy, CallsToOneUnknownNumberAreOneGroupHoweverItIsWritten) {
  auto draftFor = [](const std::string& to) {
    const switchboard::events::UnknownNumber u{
        {"retell", "c1"}, "+491701234567", to, *time::parseUtc("2026-12-01T10:00:00Z")};
    switchboard::Event e;
    e.topic = switchboard::events::UnknownNumber::kTopic;
    e.payload = u.toJson();
    return notifications::alertFor(e, "notifications", std::chrono::minutes(60));
  };
  auto groupOf = [&](const std::string& to) { return draftFor(to)->alert.group_key; };
  EXPECT_EQ(groupOf("+49 30 9999999"), "unknown_number:+49309999999");
  EXPECT_EQ(groupOf("\uFF0B\uFF14\uFF19\uFF13\uFF10\uFF19\uFF19\uFF19\uFF19\uFF19\uFF19\uFF19"),
            "unknown_number:+49309999999");
  EXPECT_NE(groupOf("+49308888888"), groupOf("+49309999999"));
  // What is no number shares one group, and is not echoed.
  const std::string huge(1 << 20, '9');
  EXPECT_EQ(groupOf(""), "unknown_number:not-a-number");
  EXPECT_EQ(groupOf(huge), "unknown_number:not-a-number");
  const auto draft = draftFor(huge);
  EXPECT_LT(draft->alert.title.size() + draft->alert.text.size(), 400u);
  EXPECT_NE(draft->alert.title.find("(not a number: 1048576 bytes)"), std::string::npos);
}

}  // namespace
