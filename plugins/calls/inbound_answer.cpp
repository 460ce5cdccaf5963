#include "inbound_answer.h"

#include <algorithm>

#include "switchboard/time.h"

namespace calls {

namespace {

const char* weekdayName(int weekday_sunday0, bool german) {
  static const char* de[] = {"Sonntag",    "Montag",  "Dienstag", "Mittwoch",
                             "Donnerstag", "Freitag", "Samstag"};
  static const char* en[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                             "Thursday", "Friday", "Saturday"};
  return (german ? de : en)[weekday_sunday0 % 7];
}

std::string hhmm(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (minutes / 60) % 100, minutes % 60);
  return buf;
}

std::string price(const domain::Money& m, bool german) {
  std::string text = domain::formatMoney(m);  // "35.00 EUR"
  if (german)
    if (auto dot = text.find('.'); dot != std::string::npos) text[dot] = ',';
  return text;
}

}  // namespace

switchboard::contracts::InboundAnswer inboundAnswer(const NumberResolution& where,
                                                    const std::optional<domain::Customer>& caller,
                                                    const std::string& caller_e164,
                                                    switchboard::TimePoint now) {
  switchboard::contracts::InboundAnswer a;
  if (!where.company) {
    a.known_number = false;
    a.variables = {
        {"line_status", "not_set_up"},
        {"company_name", ""},
        {"message", "Diese Nummer ist noch nicht eingerichtet. / This line is not set up yet."}};
    a.metadata = {{"unassigned", "true"}, {"reason", where.reason}};
    return a;
  }
  const auto& c = *where.company;
  const bool german = c.company.language.rfind("de", 0) == 0;
  const BranchView* branch = c.findBranch(where.branch);
  a.known_number = true;
  a.company = c.company.id;
  a.branch = where.branch;
  a.agent = where.agent;
  auto& v = a.variables;
  v.push_back({"line_status", "ok"});
  v.push_back({"company_name", c.company.name});
  v.push_back({"branch_name", branch ? branch->branch.name : where.branch});
  v.push_back({"caller_known", caller ? "true" : "false"});
  v.push_back({"caller_name", caller ? caller->name : ""});
  std::string services;
  for (const auto& s : c.services) {
    if (!s.branch_ids.empty() &&
        std::find(s.branch_ids.begin(), s.branch_ids.end(), where.branch) == s.branch_ids.end())
      continue;
    services += (services.empty() ? "" : "; ") + s.name + " (" +
                std::to_string(s.duration_minutes) + " min, " + price(s.price, german) + ")";
  }
  v.push_back({"services", services});
  v.push_back({"currency", c.company.currency});
  if (branch) {
    const auto local = switchboard::time::toLocal(now, branch->branch.timezone);
    v.push_back({"today_date", local.date});
    v.push_back({"today_weekday", weekdayName(local.weekday, german)});
    v.push_back({"current_time", local.time});
    v.push_back({"timezone", branch->branch.timezone});
    std::string hours;
    for (int wd = 0; wd < 7; ++wd) {  // Monday first
      std::string day;
      for (const auto& h : branch->hours)
        if (h.weekday == wd)
          day += (day.empty() ? "" : ", ") + hhmm(h.start_minute) + "-" + hhmm(h.end_minute);
      hours += std::string(hours.empty() ? "" : "; ") + weekdayName((wd + 1) % 7, german) + " " +
               (day.empty() ? (german ? "geschlossen" : "closed") : day);
    }
    v.push_back({"opening_hours", hours});
  }
  a.metadata = {{"company", c.company.id}, {"branch", where.branch}};
  if (where.e164) a.metadata.push_back({"number", *where.e164});
  if (caller) a.metadata.push_back({"customer_id", std::to_string(caller->id)});
  if (!caller_e164.empty()) a.metadata.push_back({"caller", caller_e164});
  return a;
}

}  // namespace calls
