#include "catalog.h"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

#include "switchboard/config/yaml_reader.h"
#include "switchboard/domain/money.h"
#include "switchboard/phone.h"
#include "switchboard/time.h"

namespace directory {
namespace {

using switchboard::config::ConfigInvalid;
using switchboard::config::YamlReader;

const char* const kWeekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

bool isSlug(const std::string& s) {
  static const std::regex slug{"[a-z0-9][a-z0-9_-]*"};
  return std::regex_match(s, slug);
}

// A slug id under `parent`, reported when missing or malformed.
std::string readId(YamlReader& r, const YAML::Node& parent, const std::string& what) {
  const auto id = r.string(parent, "id", what, true);
  if (!id) return "";
  if (!isSlug(*id)) {
    r.error(parent["id"],
            what + ".id '" + *id + "' must be a slug: lower-case letters, digits, '-' or '_'");
    return "";
  }
  return *id;
}

// "09:00-13:00" → minutes after midnight; nullopt when malformed.
std::optional<std::pair<int, int>> parseSpan(const std::string& text) {
  static const std::regex span{R"(\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*)"};
  std::smatch m;
  if (!std::regex_match(text, m, span)) return std::nullopt;
  const int h1 = std::stoi(m[1]), m1 = std::stoi(m[2]), h2 = std::stoi(m[3]), m2 = std::stoi(m[4]);
  if (h1 > 24 || m1 > 59 || h2 > 24 || m2 > 59) return std::nullopt;
  const int start = h1 * 60 + m1, end = h2 * 60 + m2;
  if (start > 24 * 60 || end > 24 * 60) return std::nullopt;
  return std::make_pair(start, end);
}

std::string hhmm(int minutes) {
  const auto two = [](int v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  return two(minutes / 60) + ":" + two(minutes % 60);
}

void readWorkingHours(YamlReader& r, const YAML::Node& node, const std::string& what,
                      const domain::Branch& branch, std::vector<domain::WorkingHour>& out) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!r.map(node, what, {"mon", "tue", "wed", "thu", "fri", "sat", "sun"})) return;
  for (int day = 0; day < 7; ++day) {
    const std::string key = kWeekdays[day];
    const YAML::Node spans = node[key];
    if (!spans.IsDefined() || spans.IsNull()) continue;
    std::vector<std::pair<domain::WorkingHour, YAML::Node>> today;
    if (!spans.IsSequence()) {
      r.error(spans, what + "." + key + " must be a list like [\"09:00-13:00\"]");
      continue;
    }
    for (const YAML::Node& at : spans) {
      if (!at.IsScalar()) {
        r.error(at, what + "." + key + " must be a list of time spans");
        continue;
      }
      const std::string text = at.Scalar();
      const auto span = parseSpan(text);
      if (!span) {
        r.error(at, what + "." + key + ": '" + text + "' is not a time span like 09:00-13:00");
        continue;
      }
      if (span->first >= span->second) {
        r.error(at, what + "." + key + ": '" + text + "' ends before it starts");
        continue;
      }
      today.push_back({{branch.company_id, branch.id, day, span->first, span->second}, at});
    }
    std::sort(today.begin(), today.end(), [](const auto& a, const auto& b) {
      return a.first.start_minute < b.first.start_minute;
    });
    for (std::size_t i = 1; i < today.size(); ++i) {
      const auto& prev = today[i - 1].first;
      const auto& cur = today[i].first;
      if (cur.start_minute < prev.end_minute)
        r.error(today[i].second, what + "." + key + ": " + hhmm(cur.start_minute) + "-" +
                                     hhmm(cur.end_minute) + " overlaps " + hhmm(prev.start_minute) +
                                     "-" + hhmm(prev.end_minute));
    }
    for (const auto& [hour, at] : today) out.push_back(hour);
  }
}

// Checks each id in `ids` (read from parent[key]) against `known`.
void checkRefs(YamlReader& r, const YAML::Node& parent, const char* key,
               const std::vector<std::string>& ids, const std::set<std::string>& known,
               const std::string& what, const std::string& kind) {
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (!known.count(ids[i]))
      r.error(parent[key][i], what + "." + key + ": unknown " + kind + " '" + ids[i] + "'");
}

void readCompanySection(YamlReader& r, const YAML::Node& node, CompanyEntry& e) {
  if (!r.map(node, "company",
             {"id", "name", "currency", "language", "country", "billing", "calcom", "retell",
              "twilio", "alerts", "secrets", "settings"}))
    return;
  auto& c = e.company;
  c.id = readId(r, node, "company");
  e.id_at = Position::of(r.file(), node["id"]);
  c.name = r.string(node, "name", "company", true).value_or("");
  c.currency = r.string(node, "currency", "company", true).value_or("");
  if (!c.currency.empty() && !domain::currencyExponent(c.currency))
    r.error(node["currency"],
            "company.currency '" + c.currency + "' is not a supported ISO 4217 code");
  c.language = r.string(node, "language", "company").value_or("en");
  c.country = r.string(node, "country", "company").value_or("");
  if (const YAML::Node b = node["billing"];
      b.IsDefined() && r.map(b, "company.billing", {"type", "plan"})) {
    c.billing_type =
        r.oneOf(b, "type", "company.billing", {"prepaid", "postpaid"}).value_or("prepaid");
    c.pricing_plan = r.string(b, "plan", "company.billing").value_or("standard");
  } else {
    c.billing_type = "prepaid";
    c.pricing_plan = "standard";
  }
  if (const YAML::Node cal = node["calcom"];
      cal.IsDefined() && r.map(cal, "company.calcom", {"api_key", "team_id", "webhook_secret"})) {
    if (auto key = r.string(cal, "api_key", "company.calcom")) e.secrets["calcom.api_key"] = *key;
    if (auto secret = r.string(cal, "webhook_secret", "company.calcom"))
      e.secrets["calcom.webhook_secret"] = *secret;
    if (auto team = r.integer(cal, "team_id", "company.calcom", 1, INT64_MAX))
      c.calcom_team_id = *team;
  }
  if (const YAML::Node ret = node["retell"];
      ret.IsDefined() && r.map(ret, "company.retell", {"agent_id", "api_key", "enabled"})) {
    c.retell_agent_id = r.string(ret, "agent_id", "company.retell").value_or("");
    c.retell_enabled = r.boolean(ret, "enabled", "company.retell").value_or(true);
    if (auto key = r.string(ret, "api_key", "company.retell")) e.secrets["retell.api_key"] = *key;
  }
  // Its own SMS sender (Twilio account and number or messaging service); else the platform's.
  if (const YAML::Node tw = node["twilio"];
      tw.IsDefined() &&
      r.map(tw, "company.twilio", {"account_sid", "auth_token", "from", "messaging_service_sid"}))
    for (const char* k : {"account_sid", "auth_token", "from", "messaging_service_sid"})
      if (auto v = r.string(tw, k, "company.twilio")) e.secrets[std::string("twilio.") + k] = *v;
  if (const YAML::Node al = node["alerts"];
      al.IsDefined() && r.map(al, "company.alerts", {"telegram_chat_id"}))
    c.telegram_chat_id = r.string(al, "telegram_chat_id", "company.alerts").value_or("");
  if (const YAML::Node s = node["settings"]; s.IsDefined() && r.isMap(s, "company.settings"))
    for (const auto& kv : s) {
      if (!kv.second.IsScalar()) {
        r.error(kv.second, "company.settings." + kv.first.Scalar() +
                               " must be a single value (text, number or true/false)");
        continue;
      }
      c.settings[kv.first.Scalar()] = kv.second.Scalar();
    }
  if (const YAML::Node s = node["secrets"]; s.IsDefined() && r.isMap(s, "company.secrets"))
    for (const auto& kv : s) {
      if (!kv.second.IsScalar()) {
        r.error(kv.second, "company.secrets." + kv.first.Scalar() + " must be a string");
        continue;
      }
      e.secrets[kv.first.Scalar()] = kv.second.Scalar();
    }
}

}  // namespace

bool Catalog::hasSecrets() const {
  return std::any_of(companies.begin(), companies.end(),
                     [](const CompanyEntry& e) { return !e.secrets.empty(); });
}

CompanyEntry readCompany(const YAML::Node& root, const std::string& file,
                         std::vector<Diagnostic>& problems) {
  YamlReader r(file, problems);
  CompanyEntry e;
  e.file = file;
  if (!r.map(root, "a company file", {"company", "branches", "services", "staff"})) return e;
  if (!root["company"].IsDefined()) {
    r.error(root, "a company file needs a company: section");
    return e;
  }
  readCompanySection(r, root["company"], e);
  const std::string company = e.company.id;
  const std::string country = r.string(root["company"], "country", "company").value_or("");

  std::set<std::string> branch_ids;
  if (const YAML::Node list = root["branches"]; list.IsDefined()) {
    if (!list.IsSequence() || list.size() == 0) r.error(list, "branches must be a non-empty list");
    for (std::size_t i = 0; list.IsSequence() && i < list.size(); ++i) {
      const YAML::Node b = list[i];
      if (!r.map(b, "branch",
                 {"id", "name", "timezone", "address", "phone_numbers", "working_hours",
                  "retell_agent_id"}))
        continue;
      domain::Branch branch;
      branch.company_id = company;
      branch.id = readId(r, b, "branch");
      const std::string what = "branch '" + branch.id + "'";
      if (!branch.id.empty() && !branch_ids.insert(branch.id).second)
        r.error(b["id"], "branch id '" + branch.id + "' is used twice in this company");
      branch.name = r.string(b, "name", what, true).value_or(branch.id);
      branch.timezone = r.string(b, "timezone", what, true).value_or("");
      branch.address = r.string(b, "address", what).value_or("");
      if (!branch.timezone.empty() && !switchboard::time::validZone(branch.timezone))
        r.error(b["timezone"], what + ".timezone '" + branch.timezone +
                                   "' is not an IANA time zone (e.g. Europe/Berlin)");
      const std::string agent = r.string(b, "retell_agent_id", what).value_or("");
      // Each entry: "+49 30 1234567", or {number: ..., agent_id: ...} for a number that
      // names its own voice agent.
      const YAML::Node numbers = b["phone_numbers"];
      if (numbers.IsDefined() && !numbers.IsSequence())
        r.error(numbers, what + ".phone_numbers must be a list");
      for (std::size_t n = 0; numbers.IsDefined() && numbers.IsSequence() && n < numbers.size();
           ++n) {
        const YAML::Node entry = numbers[n];
        std::string text, number_agent = agent;
        if (entry.IsScalar()) {
          text = entry.Scalar();
        } else if (r.map(entry, what + ".phone_numbers[]", {"number", "agent_id"})) {
          text = r.string(entry, "number", what + ".phone_numbers[]", true).value_or("");
          number_agent = r.string(entry, "agent_id", what + ".phone_numbers[]").value_or(agent);
          if (text.empty()) continue;
        } else {
          continue;
        }
        const auto parsed = switchboard::phone::toE164(text, country);
        if (!parsed.e164) {
          r.error(entry, what + ".phone_numbers: " + parsed.error);
          continue;
        }
        e.numbers.push_back({*parsed.e164, company, branch.id, number_agent, n == 0, true});
        e.number_at.push_back(Position::of(file, entry));
      }
      readWorkingHours(r, b["working_hours"], what + ".working_hours", branch, e.hours);
      e.branches.push_back(branch);
    }
  } else {
    r.error(root, "a company file needs branches:");
  }

  std::set<std::string> staff_ids;
  if (const YAML::Node list = root["staff"]; list.IsDefined()) {
    if (!list.IsSequence()) r.error(list, "staff must be a list");
    for (std::size_t i = 0; list.IsSequence() && i < list.size(); ++i) {
      const YAML::Node s = list[i];
      if (!r.map(s, "staff", {"id", "name", "branches"})) continue;
      domain::Staff staff;
      staff.company_id = company;
      staff.id = readId(r, s, "staff");
      const std::string what = "staff '" + staff.id + "'";
      if (!staff.id.empty() && !staff_ids.insert(staff.id).second)
        r.error(s["id"], "staff id '" + staff.id + "' is used twice in this company");
      staff.name = r.string(s, "name", what, true).value_or(staff.id);
      staff.branch_ids = r.strings(s, "branches", what);
      checkRefs(r, s, "branches", staff.branch_ids, branch_ids, what, "branch");
      if (staff.branch_ids.empty()) staff.branch_ids.assign(branch_ids.begin(), branch_ids.end());
      e.staff.push_back(staff);
    }
  }

  std::set<std::string> service_ids;
  if (const YAML::Node list = root["services"]; list.IsDefined()) {
    if (!list.IsSequence()) r.error(list, "services must be a list");
    for (std::size_t i = 0; list.IsSequence() && i < list.size(); ++i) {
      const YAML::Node s = list[i];
      if (!r.map(s, "service",
                 {"id", "name", "aliases", "duration_min", "price", "calcom_event_type_id",
                  "branches", "staff", "segments"}))
        continue;
      domain::Service service;
      service.company_id = company;
      service.id = readId(r, s, "service");
      const std::string what = "service '" + service.id + "'";
      if (!service.id.empty() && !service_ids.insert(service.id).second)
        r.error(s["id"], "service id '" + service.id + "' is used twice in this company");
      service.name = r.string(s, "name", what, true).value_or(service.id);
      service.aliases = r.strings(s, "aliases", what);
      for (std::size_t k = 0; k < service.aliases.size(); ++k)
        if (service.aliases[k].find('\n') != std::string::npos || service.aliases[k].empty())
          r.error(s["aliases"][k], what + ".aliases: an alias is one non-empty line");
      if (auto price = r.string(s, "price", what, true); price && !e.company.currency.empty()) {
        if (auto money = domain::parseMoney(*price, e.company.currency))
          service.price = *money;
        else
          r.error(s["price"],
                  what + ".price '" + *price + "' is not an amount in " + e.company.currency);
      }
      if (auto id = r.integer(s, "calcom_event_type_id", what, 1, INT64_MAX))
        service.calcom_event_type_id = *id;
      service.branch_ids = r.strings(s, "branches", what);
      checkRefs(r, s, "branches", service.branch_ids, branch_ids, what, "branch");
      if (service.branch_ids.empty())
        service.branch_ids.assign(branch_ids.begin(), branch_ids.end());
      service.staff_ids = r.strings(s, "staff", what);
      checkRefs(r, s, "staff", service.staff_ids, staff_ids, what, "staff member");
      const auto duration = r.integer(s, "duration_min", what, 1, 24 * 60);
      if (const YAML::Node segs = s["segments"]; segs.IsDefined()) {
        if (duration)
          r.error(s["duration_min"], what + ": give duration_min or segments, not both");
        if (!segs.IsSequence() || segs.size() == 0)
          r.error(segs, what + ".segments must be a non-empty list");
        for (std::size_t k = 0; segs.IsSequence() && k < segs.size(); ++k) {
          const YAML::Node g = segs[k];
          if (!r.map(g, what + ".segments[]", {"name", "duration_min", "staff_busy"})) continue;
          domain::ServiceSegment seg;
          seg.name = r.string(g, "name", what + ".segment", true).value_or("");
          const auto d = r.integer(g, "duration_min", what + ".segment", 1, 24 * 60);
          if (!d) r.error(g, what + ".segment.duration_min is required");
          seg.duration_minutes = static_cast<int>(d.value_or(0));
          seg.staff_busy = r.boolean(g, "staff_busy", what + ".segment").value_or(true);
          service.duration_minutes += seg.duration_minutes;
          service.segments.push_back(seg);
        }
      } else if (duration) {
        service.duration_minutes = static_cast<int>(*duration);
      } else {
        r.error(s, what + " needs duration_min (or segments)");
      }
      e.services.push_back(service);
    }
  }
  return e;
}

Catalog loadCatalog(const std::string& dir,
                    const std::function<YAML::Node(const std::string&)>& read) {
  namespace fs = std::filesystem;
  std::vector<Diagnostic> problems;
  std::vector<std::string> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw ConfigInvalid({{{dir, 0, 0}, "the tenants folder does not exist"}});
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() &&
        (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml"))
      files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());

  Catalog catalog;
  for (const auto& file : files) {
    YAML::Node root;
    try {
      root = read(file);
    } catch (const ConfigInvalid& e) {
      problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
      continue;
    }
    catalog.companies.push_back(readCompany(root, file, problems));
  }

  std::map<std::string, Position> company_ids;
  std::map<std::string, std::pair<Position, std::string>> numbers;  // e164 → where, company
  for (const auto& e : catalog.companies) {
    if (!e.company.id.empty()) {
      auto [it, fresh] = company_ids.emplace(e.company.id, e.id_at);
      if (!fresh)
        problems.push_back({e.id_at, "company id '" + e.company.id + "' is already used at " +
                                         it->second.file + ":" + std::to_string(it->second.line)});
    }
    for (std::size_t i = 0; i < e.numbers.size(); ++i) {
      auto [it, fresh] =
          numbers.emplace(e.numbers[i].e164, std::make_pair(e.number_at[i], e.company.id));
      if (!fresh)
        problems.push_back({e.number_at[i], "phone number " + e.numbers[i].e164 +
                                                " is already claimed by company '" +
                                                it->second.second + "' at " +
                                                it->second.first.file + ":" +
                                                std::to_string(it->second.first.line)});
    }
  }
  if (!problems.empty()) {
    std::stable_sort(problems.begin(), problems.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                       return std::tie(a.at.file, a.at.line, a.at.column) <
                              std::tie(b.at.file, b.at.line, b.at.column);
                     });
    throw ConfigInvalid(std::move(problems));
  }
  return catalog;
}

}  // namespace directory
