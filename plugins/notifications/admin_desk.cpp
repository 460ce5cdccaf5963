#include "admin_desk.h"

#include "switchboard/db.h"
#include "switchboard/domain/repositories.h"
#include "switchboard/tenant_sql.h"
#include "switchboard/time.h"

namespace notifications {

namespace domain = switchboard::domain;
using switchboard::sql::toMs;

std::string AdminDesk::handle(const switchboard::contracts::AdminCommand& c) {
  if (c.command == "ack") return ack(c);
  if (c.command == "calls") return callsToday(c);
  if (c.command == "unassigned") return unassigned(c);
  return "Commands:\n/ack — acknowledge the open alerts\n/calls today — today's calls\n"
         "/unassigned — calls to numbers nobody owns (operations chat)";
}

std::string AdminDesk::ack(const switchboard::contracts::AdminCommand& c) {
  const long long now = toMs(host_.clock().now());
  const auto n = host_.store().database().write([&](switchboard::db::Session& tx) {
    if (c.operations)
      return tx.execute(
          "UPDATE alert_groups SET acked_by = $1, acked_at_ms = $2 "
          "WHERE state = 'open' AND acked_by = ''",
          c.who, now);
    std::int64_t acked = 0;
    for (const auto& company : c.companies)
      acked += tx.execute(
          "UPDATE alert_groups SET acked_by = $1, acked_at_ms = $2 "
          "WHERE state = 'open' AND acked_by = '' AND company_id = $3",
          c.who, now, company);
    return acked;
  });
  return n == 0 ? "No open alert to acknowledge."
                : "Acknowledged " + std::to_string(n) + " open alert(s), " + c.who + ".";
}

std::string AdminDesk::callsToday(const switchboard::contracts::AdminCommand& c) {
  auto directory = host_.services().find<domain::Directory>();
  auto calls = host_.services().find<domain::Calls>();
  if (!directory || !calls) return "No call records here.";
  return host_.store().database().read(
      [&](switchboard::db::Session& db) { return callsToday(c, db, *directory, *calls); });
}

std::string AdminDesk::callsToday(const switchboard::contracts::AdminCommand& c,
                                  switchboard::db::Session& db, domain::Directory& directory,
                                  domain::Calls& calls) {
  std::vector<std::string> companies = c.companies;
  if (c.operations)
    for (const auto& company : directory.adminCompanies(db)) companies.push_back(company.id);
  const auto now = host_.clock().now();
  std::string out;
  for (const auto& id : companies) {
    const auto branches = directory.branches(db, id);
    const auto zone = branches.empty() ? std::string("UTC") : branches.front().timezone;
    const auto today = switchboard::time::toLocal(now, zone).date;
    const auto from = switchboard::time::fromLocal(today, "00:00", zone).value_or(now);
    const auto list = calls.between(db, id, from, now);
    int booked = 0;
    for (const auto& call : list) booked += call.appointment_id ? 1 : 0;
    const auto company = directory.company(db, id);
    out += (company ? company->name : id) + ": " + std::to_string(list.size()) +
           " call(s) today, " + std::to_string(booked) + " with an appointment\n";
  }
  return out.empty() ? "No company here." : out;
}

std::string AdminDesk::unassigned(const switchboard::contracts::AdminCommand& c) {
  if (!c.operations)
    return "Calls to unknown numbers belong to no company: the operations chat sees them.";
  auto calls = host_.services().find<domain::Calls>();
  if (!calls) return "No call records here.";
  const auto list = host_.store().database().read(
      [&](switchboard::db::Session& db) { return calls->adminUnassigned(db, 10); });
  if (list.empty()) return "No unassigned calls.";
  std::string out = "Unassigned calls (latest " + std::to_string(list.size()) + "):\n";
  for (const auto& call : list)
    out += switchboard::time::formatUtc(call.started_at.value_or(switchboard::TimePoint{})) + "  " +
           call.from_number + " → " + call.to_number + "\n";
  return out;
}

}  // namespace notifications
