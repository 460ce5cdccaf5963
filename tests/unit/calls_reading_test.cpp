// The calls feature's reading of numbers and words, without a server: the dialled-number table
// (libphonenumber readings matched exactly, never guessed), the extraction table
// (support/extraction_cases.h, also run through `switchboard calls extract` end to end), the
// caller's name, and reports merged in any order.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "booking_intent.h"
#include "call_record.h"
#include "caller_name.h"
#include "catalog_view.h"
#include "support/extraction_cases.h"
#include "support/paths.h"

namespace {

using namespace calls;
namespace domain = switchboard::domain;

// ---- dialled numbers ----

void addCompany(CatalogView& view, const std::string& id, const std::string& country,
                std::vector<std::pair<std::string, std::string>> numbers, bool enabled = true) {
  CompanyView c;
  c.company.id = id;
  c.company.country = country;
  c.company.retell_enabled = enabled;
  c.company.retell_agent_id = "agent_" + id;
  for (const auto& [e164, branch] : numbers) {
    if (!c.findBranch(branch)) c.branches.push_back({{id, branch, branch, "UTC", true, ""}, {}});
    view.numbers[e164].push_back({e164, id, branch, "", false, true});
  }
  view.companies.emplace(id, std::move(c));
  if (std::find(view.regions.begin(), view.regions.end(), country) == view.regions.end())
    view.regions.push_back(country);
}

CatalogView numbersCatalog() {
  CatalogView view;
  addCompany(view, "salon", "DE",
             {{"+49301234567", "mitte"}, {"+49307654321", "mitte"}, {"+49302345678", "pberg"}});
  // The old system's test numbers, owned by a company of their own here.
  addCompany(view, "legacy", "DE", {{"+491234567890", "a"}, {"+49123456789", "b"}});
  addCompany(view, "brooklyn", "US",
             {{"+17185550142", "williamsburg"}, {"+12125550199", "williamsburg"}});
  addCompany(view, "wien", "AT", {{"+4315123456", "innere-stadt"}});
  addCompany(view, "london", "GB", {{"+442079460000", "soho"}});
  addCompany(view, "paused", "DE", {{"+49891234567", "muc"}}, /*enabled=*/false);
  return view;
}

struct NumberCase {
  std::string input;
  std::optional<std::string> company, branch;
};

TEST(DialledNumbers, EveryWrittenFormReachesItsBranchAndNoGuessIsMade) {
  const auto view = numbersCatalog();
  const std::vector<NumberCase> cases = {
      // Germany
      {"+49 30 1234567", "salon", "mitte"},
      {"+49301234567", "salon", "mitte"},
      {"030 1234567", "salon", "mitte"},
      {"030/1234567", "salon", "mitte"},
      {"030-1234567", "salon", "mitte"},
      {"(030) 1234567", "salon", "mitte"},
      {"0049 30 1234567", "salon", "mitte"},
      {"0049301234567", "salon", "mitte"},
      {"49301234567", "salon", "mitte"},  // the + left out
      {"+49 (0)30 1234567", "salon", "mitte"},
      {"+49 30 765 43 21", "salon", "mitte"},
      {"030 76 54 321", "salon", "mitte"},
      {"030.2345678", "salon", "pberg"},
      {"+49-30-2345678", "salon", "pberg"},
      // The old system's test formats, and the trap: 491234567890 read with region DE is
      // +49491234567890; its other reading, +491234567890, is the one somebody owns.
      {"+491234567890", "legacy", "a"},
      {"491234567890", "legacy", "a"},
      {"0123 456789", "legacy", "b"},
      {"+49 (123) 456-789", "legacy", "b"},
      // United States
      {"(718) 555-0142", "brooklyn", "williamsburg"},
      {"718-555-0142", "brooklyn", "williamsburg"},
      {"+1 718 555 0142", "brooklyn", "williamsburg"},
      {"001 718 555 0142", "brooklyn", "williamsburg"},
      {"17185550142", "brooklyn", "williamsburg"},
      {"212.555.0199", "brooklyn", "williamsburg"},
      {"+1 (212) 555-0199", "brooklyn", "williamsburg"},
      // Austria and the United Kingdom
      {"+43 1 5123456", "wien", "innere-stadt"},
      {"01 5123456", "wien", "innere-stadt"},
      {"0043 1 512 3456", "wien", "innere-stadt"},
      {"+44 20 7946 0000", "london", "soho"},
      {"020 7946 0000", "london", "soho"},
      // Nobody's: unassigned, never filed under the first company (the old system's defect)
      {"+49 30 9999999", std::nullopt, std::nullopt},
      {"+1 999 555 0100", std::nullopt, std::nullopt},
      {"+49 30 1234567 8", std::nullopt, std::nullopt},
      {"0800 1234567", std::nullopt, std::nullopt},
      {"12345", std::nullopt, std::nullopt},
      {"hello", std::nullopt, std::nullopt},
      {"", std::nullopt, std::nullopt},
      {"+49 89 1234567", std::nullopt, std::nullopt},  // its company's voice line is disabled
  };
  ASSERT_GE(cases.size(), 30u);
  for (const auto& c : cases) {
    const auto r = resolveNumber(view, c.input);
    EXPECT_EQ(r.company ? std::optional(r.company->company.id) : std::nullopt, c.company)
        << "'" << c.input << "': " << r.reason;
    if (r.company) {
      EXPECT_EQ(r.branch, *c.branch) << c.input;
    }
    EXPECT_FALSE(r.reason.empty()) << c.input;
  }
}

TEST(DialledNumbers, TwoReadingsOwnedByTwoBranchesAreNotGuessed) {
  auto view = numbersCatalog();
  addCompany(view, "other", "DE", {{"+49491234567890", "x"}});
  const auto r = resolveNumber(view, "491234567890");
  EXPECT_EQ(r.company, nullptr);
  EXPECT_NE(r.reason.find("more than one"), std::string::npos) << r.reason;
  // Written unambiguously, each reaches its own.
  EXPECT_EQ(resolveNumber(view, "+491234567890").company->company.id, "legacy");
  EXPECT_EQ(resolveNumber(view, "+49 491234567890").company->company.id, "other");
}

// ---- what callers ask for ----

struct CatalogNames {
  std::vector<ServiceNames> services;
  std::vector<StaffName> staff;
};

CatalogNames namesOf(const std::string& company) {
  const auto root = YAML::LoadFile(sbtest::sourceDir() + "/config/tenants/" + company + ".yaml");
  CatalogNames out;
  for (const auto& s : root["services"]) {
    ServiceNames n{s["id"].as<std::string>(), s["name"].as<std::string>(), {}};
    if (s["aliases"])
      for (const auto& a : s["aliases"]) n.aliases.push_back(a.as<std::string>());
    out.services.push_back(n);
  }
  for (const auto& s : root["staff"])
    out.staff.push_back({s["id"].as<std::string>(), s["name"].as<std::string>()});
  return out;
}

TEST(Extraction, TheTableOfUtterances) {
  const auto& cases = sbtest::extractionCases();
  ASSERT_GE(cases.size(), 60u);
  const std::chrono::year_month_day today{std::chrono::year(2026), std::chrono::November,
                                          std::chrono::day(24)};
  int books = 0, refusals = 0;
  for (const auto& c : cases) {
    const auto names = namesOf(c.company);
    const auto intent = extractIntent(c.text, "", names.services, names.staff, today, 0.8);
    std::string why;
    for (const auto& r : intent.reasons) why += "\n    " + r;
    EXPECT_EQ(intent.service, c.service) << c.text << why;
    EXPECT_EQ(intent.start_local, c.start_local) << c.text << why;
    EXPECT_EQ(intent.book, c.book) << c.text << why;
    if (c.staff) {
      EXPECT_EQ(intent.staff, c.staff) << c.text << why;
    }
    EXPECT_TRUE(intent.book ? intent.confidence >= 0.8 : intent.confidence < 0.8 || !intent.book)
        << c.text;
    (c.book ? books : refusals)++;
  }
  EXPECT_GE(books, 20);
  EXPECT_GE(refusals, 20);
}

TEST(Extraction, TheAgentsAnalysisDecidesWhenItNamesServiceDayAndTime) {
  const auto names = namesOf("salon-mitte");
  const std::chrono::year_month_day today{std::chrono::year(2025), std::chrono::November,
                                          std::chrono::day(27)};
  const auto intent = extractIntent(
      "Hallo, ich hätte gern einen Termin.",
      R"({"customer_name":"Jana Weber","service":"Haarschnitt","appointment_date":"2025-11-27","appointment_time":"15:00","wants_booking":true})",
      names.services, names.staff, today, 0.8);
  EXPECT_TRUE(intent.book);
  EXPECT_EQ(intent.service, "cut");
  EXPECT_EQ(intent.start_local, "2025-11-27T15:00");
  const auto declined = extractIntent(
      "Haarschnitt morgen um 14 Uhr",
      R"({"service":"Haarschnitt","appointment_date":"2025-11-28","appointment_time":"14:00","wants_booking":false})",
      names.services, names.staff, today, 0.8);
  EXPECT_FALSE(declined.book);
  // A higher threshold turns a plain request into a review.
  const auto strict =
      extractIntent("Haarschnitt morgen um 14 Uhr", "", names.services, names.staff, today, 0.9);
  EXPECT_FALSE(strict.book);
  EXPECT_TRUE(strict.requested);
}

// ---- the caller's name ----

TEST(CallerName, FromTheAnalysisFirstThenFromWhatTheCallerSaid) {
  EXPECT_EQ(findCallerName({"Hallo, mein Name ist Jana Weber."}, "")->name, "Jana Weber");
  EXPECT_EQ(findCallerName({"Ja hallo, hier ist Müller."}, "")->name, "Müller");
  EXPECT_EQ(findCallerName({"Guten Tag, ich bin Frau Özdemir und brauche einen Termin"}, "")->name,
            "Özdemir");
  EXPECT_EQ(findCallerName({"Hi, this is Mike Chen"}, "")->name, "Mike Chen");
  EXPECT_EQ(findCallerName({"My name is Ana Lopez, I need a cut"}, "")->name, "Ana Lopez");
  EXPECT_EQ(findCallerName({"Hey, it's Sam calling about a haircut"}, "")->name, "Sam");
  EXPECT_FALSE(findCallerName({"Ich bin morgen um 14 Uhr da"}, ""));
  EXPECT_FALSE(findCallerName({"Ich bin Kundin bei Ihnen"}, ""));
  EXPECT_FALSE(findCallerName({"It's about my appointment"}, ""));
  const auto a = findCallerName({"mein Name ist Jana"}, R"({"customer_name":"Jana Weber"})");
  EXPECT_EQ(a->name, "Jana Weber");
  EXPECT_EQ(a->source, "analysis");
}

// ---- reports in any order ----

switchboard::events::VoiceCallReport report(const std::string& stage) {
  switchboard::events::VoiceCallReport r;
  r.stage = stage;
  auto& c = r.call;
  c.ref = {"retell", "call_1"};
  c.agent = "agent_1";
  c.direction = "inbound";
  c.from_number = "+491701234567";
  c.to_number = "+49301234567";
  c.started_at = switchboard::TimePoint(std::chrono::milliseconds(1764233700000));
  if (stage == "transcript") c.transcript = "User: Hallo";
  if (stage == "ended" || stage == "analyzed") {
    c.status = "ended";
    c.ended_at = switchboard::TimePoint(std::chrono::milliseconds(1764233835000));
    c.duration_ms = 135000;
    c.disconnection_reason = "user_hangup";
    c.transcript = "User: Hallo, mein Name ist Jana Weber.";
  }
  if (stage == "analyzed") {
    c.analyzed = true;
    c.summary = "Jana booked a haircut.";
    c.sentiment = "Positive";
    c.analysis_json = R"({"customer_name":"Jana Weber"})";
  }
  return r;
}

TEST(CallRecord, ReportsInAnyOrderAndTwiceEndTheSame) {
  const std::vector<std::string> stages = {"started", "transcript", "ended", "analyzed"};
  const auto now = switchboard::TimePoint(std::chrono::milliseconds(1764233900000));
  std::vector<std::string> order = stages;
  std::optional<domain::Call> first;
  std::sort(order.begin(), order.end());
  do {
    domain::Call call;
    for (const auto& s : order) mergeReport(call, report(s), now);
    for (const auto& s : order) mergeReport(call, report(s), now);  // every one twice
    EXPECT_EQ(call.status, "analyzed");
    EXPECT_EQ(call.duration_seconds, 135);
    EXPECT_EQ(call.transcript, "User: Hallo, mein Name ist Jana Weber.");
    EXPECT_EQ(call.disconnection_reason, "user_hangup");
    EXPECT_EQ(call.summary, "Jana booked a haircut.");
    if (!first) first = call;
    EXPECT_EQ(call.started_at, first->started_at);
    EXPECT_EQ(call.ended_at, first->ended_at);
    EXPECT_EQ(call.analysis_json, first->analysis_json);
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(CallRecord, ACallThatNeverConnectedEndsNotConnected) {
  auto ended = report("ended");
  ended.call.status = "not_connected";
  ended.call.started_at.reset();
  ended.call.disconnection_reason = "dial_no_answer";
  domain::Call call;
  mergeReport(call, ended, {});
  EXPECT_EQ(call.status, "not_connected");
  EXPECT_FALSE(call.started_at);
  EXPECT_EQ(call.disconnection_reason, "dial_no_answer");
}

TEST(Journey, LeadBookedCustomerRegular) {
  const auto now = switchboard::TimePoint(std::chrono::hours(24 * 20000));
  auto at = [&](int days, const std::string& status) {
    domain::Appointment a;
    a.starts_at = now + std::chrono::hours(24 * days);
    a.status = status;
    return a;
  };
  EXPECT_EQ(journeyOf({}, now), "lead");
  EXPECT_EQ(journeyOf({at(-3, "cancelled"), at(-2, "no_show")}, now), "lead");
  EXPECT_EQ(journeyOf({at(2, "booked")}, now), "booked");
  EXPECT_EQ(journeyOf({at(-10, "completed"), at(2, "booked")}, now), "customer");
  EXPECT_EQ(journeyOf({at(-30, "completed"), at(-20, "booked"), at(-10, "completed")}, now),
            "regular");
}

TEST(CallCosts, ReportedCentsWinOverRates) {
  switchboard::contracts::PlatformCall c;
  c.charges = {{"retell_platform", 157500}, {"twilio", 17500}};  // 15.75 and 1.75 cents
  CostRates rates{70000, 8500};
  auto costs = callCosts(c, 135, rates);
  ASSERT_EQ(costs.size(), 2u);
  EXPECT_EQ(costs[0].platform, "retell");
  EXPECT_EQ(costs[0].amount.minor, 16);
  EXPECT_EQ(costs[0].basis, "reported");
  EXPECT_EQ(costs[1].platform, "twilio");
  EXPECT_EQ(costs[1].amount.minor, 2);
  // Nothing reported: 135 s at $0.07/min = 15.75 → 16 cents; Twilio bills 3 started minutes
  // at $0.0085 = 2.55 → 3 cents.
  costs = callCosts({}, 135, rates);
  ASSERT_EQ(costs.size(), 2u);
  EXPECT_EQ(costs[0].amount.minor, 16);
  EXPECT_EQ(costs[0].basis, "rate");
  EXPECT_EQ(costs[1].amount.minor, 3);
  EXPECT_EQ(parseUsdMicros("0.0085"), 8500);
  EXPECT_EQ(parseUsdMicros("1"), 1000000);
  EXPECT_FALSE(parseUsdMicros("-1"));
  EXPECT_FALSE(parseUsdMicros("0.1234567"));
}

}  // namespace
