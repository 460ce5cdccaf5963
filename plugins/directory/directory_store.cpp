#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <sstream>

#include "stores.h"
#include "switchboard/tenant_sql.h"

namespace directory {

using namespace switchboard::sql;

namespace {

// Company.settings as stored: a JSON object of strings.
std::string settingsToJson(const std::map<std::string, std::string>& settings) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  for (const auto& [key, value] : settings) {
    w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  w.EndObject();
  return out.GetString();
}

std::map<std::string, std::string> settingsFromJson(const std::string& json) {
  std::map<std::string, std::string> out;
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return out;
  for (const auto& m : doc.GetObject())
    if (m.value.IsString())
      out.emplace(std::string(m.name.GetString(), m.name.GetStringLength()),
                  std::string(m.value.GetString(), m.value.GetStringLength()));
  return out;
}

}  // namespace

void DirectoryStore::apply(db::Session& db, const Catalog& catalog, TimePoint now) const {
  const std::int64_t updated = toMs(now);
  // Everything inactive first; what the catalog names comes back active below. Readers never
  // see the middle: it is one transaction.
  for (const char* table : {"companies", "branches", "phone_numbers", "services", "staff"})
    db.execute(std::string("UPDATE ") + table + " SET active = 0");
  for (const auto& e : catalog.companies) {
    const auto& c = e.company;
    const std::string settings = settingsToJson(c.settings);
    const int retell_enabled = c.retell_enabled;
    db.execute(
        "INSERT INTO companies (id, name, currency, language, country, billing_type, "
        "pricing_plan, calcom_team_id, retell_agent_id, retell_enabled, telegram_chat_id, "
        "settings, active, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, "
        "$7, $8, $9, $10, $11, $12, 1, $13) "
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, currency = excluded.currency, "
        "language = excluded.language, country = excluded.country, "
        "retell_enabled = excluded.retell_enabled, billing_type = excluded.billing_type, "
        "pricing_plan = excluded.pricing_plan, calcom_team_id = excluded.calcom_team_id, "
        "retell_agent_id = excluded.retell_agent_id, "
        "telegram_chat_id = excluded.telegram_chat_id, settings = excluded.settings, "
        "active = 1, updated_at_ms = excluded.updated_at_ms",
        c.id, c.name, c.currency, c.language, c.country, c.billing_type, c.pricing_plan,
        c.calcom_team_id, c.retell_agent_id, retell_enabled, c.telegram_chat_id, settings, updated);
    for (const auto& b : e.branches)
      db.execute(
          "INSERT INTO branches (company_id, id, name, timezone, active, address) "
          "VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT (company_id, id) DO UPDATE "
          "SET name = excluded.name, timezone = excluded.timezone, active = 1, "
          "address = excluded.address",
          c.id, b.id, b.name, b.timezone, b.address);
    for (const auto& n : e.numbers) {
      const int primary = n.primary;
      db.execute(
          "INSERT INTO phone_numbers (e164, company_id, branch_id, retell_agent_id, "
          "is_primary, active) VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (e164) DO "
          "UPDATE SET company_id = excluded.company_id, branch_id = excluded.branch_id, "
          "retell_agent_id = excluded.retell_agent_id, is_primary = excluded.is_primary, "
          "active = 1",
          n.e164, c.id, n.branch_id, n.retell_agent_id, primary);
    }
    for (const auto& s : e.staff)
      db.execute(
          "INSERT INTO staff (company_id, id, name, active) VALUES ($1, $2, $3, 1) "
          "ON CONFLICT (company_id, id) DO UPDATE SET name = excluded.name, active = 1",
          c.id, s.id, s.name);
    for (const auto& s : e.services) {
      std::string aliases;
      for (const auto& a : s.aliases) aliases += (aliases.empty() ? "" : "\n") + a;
      db.execute(
          "INSERT INTO services (company_id, id, name, aliases, duration_minutes, price_minor, "
          "currency, calcom_event_type_id, active) VALUES ($1, $2, $3, $4, $5, $6, $7, "
          "$8, 1) ON CONFLICT (company_id, id) DO UPDATE SET name = excluded.name, "
          "aliases = excluded.aliases, "
          "duration_minutes = excluded.duration_minutes, price_minor = excluded.price_minor, "
          "currency = excluded.currency, calcom_event_type_id = excluded.calcom_event_type_id, "
          "active = 1",
          c.id, s.id, s.name, aliases, s.duration_minutes, s.price.minor, s.price.currency,
          s.calcom_event_type_id);
    }
    // Link tables carry no history: replaced whole.
    for (const char* table : {"working_hours", "service_segments", "service_branches",
                              "service_staff", "staff_branches", "company_secrets"})
      db.execute(std::string("DELETE FROM ") + table + " WHERE company_id = $1", c.id);
    for (const auto& h : e.hours)
      db.execute(
          "INSERT INTO working_hours (company_id, branch_id, weekday, start_minute, "
          "end_minute) VALUES ($1, $2, $3, $4, $5)",
          c.id, h.branch_id, h.weekday, h.start_minute, h.end_minute);
    for (const auto& s : e.services) {
      for (std::size_t i = 0; i < s.segments.size(); ++i) {
        const auto& g = s.segments[i];
        const int position = static_cast<int>(i), busy = g.staff_busy;
        db.execute(
            "INSERT INTO service_segments (company_id, service_id, position, name, "
            "duration_minutes, staff_busy) VALUES ($1, $2, $3, $4, $5, $6)",
            c.id, s.id, position, g.name, g.duration_minutes, busy);
      }
      for (const auto& b : s.branch_ids)
        db.execute(
            "INSERT INTO service_branches (company_id, service_id, branch_id) "
            "VALUES ($1, $2, $3)",
            c.id, s.id, b);
      for (const auto& st : s.staff_ids)
        db.execute(
            "INSERT INTO service_staff (company_id, service_id, staff_id) VALUES ($1, $2, $3)",
            c.id, s.id, st);
    }
    for (const auto& st : e.staff)
      for (const auto& b : st.branch_ids)
        db.execute(
            "INSERT INTO staff_branches (company_id, staff_id, branch_id) VALUES ($1, $2, $3)",
            c.id, st.id, b);
    for (const auto& [name, plaintext] : e.secrets) {
      if (!box_) throw std::logic_error("catalog secrets without a secrets key");
      const std::string sealed = box_->seal(c.id, name, plaintext);
      db.execute("INSERT INTO company_secrets (company_id, name, sealed) VALUES ($1, $2, $3)", c.id,
                 name, sealed);
    }
  }
}

namespace {

constexpr const char* kCompanyColumns =
    "id, name, currency, language, billing_type, pricing_plan, calcom_team_id, "
    "retell_agent_id, telegram_chat_id, active, settings, country, retell_enabled";

domain::Company companyFrom(const db::Row& r) {
  domain::Company c;
  c.id = textAt(r, 0);
  c.name = textAt(r, 1);
  c.currency = textAt(r, 2);
  c.language = textAt(r, 3);
  c.billing_type = textAt(r, 4);
  c.pricing_plan = textAt(r, 5);
  c.calcom_team_id = r.get<std::optional<std::int64_t>>(6);
  c.retell_agent_id = textAt(r, 7);
  c.telegram_chat_id = textAt(r, 8);
  c.active = int64At(r, 9) != 0;
  c.settings = settingsFromJson(textAt(r, 10));
  c.country = textAt(r, 11);
  c.retell_enabled = int64At(r, 12) != 0;
  return c;
}

// The ids in column 0 of a query bound to (company, id).
std::vector<std::string> ids(db::Session& db, const std::string& query, const std::string& c,
                             const std::string& id) {
  std::vector<std::string> out;
  const auto rows = db.query(query, c, id);
  for (const auto& r : rows) out.push_back(textAt(r, 0));
  return out;
}

}  // namespace

std::optional<domain::Company> DirectoryStore::company(db::Session& db,
                                                       const domain::CompanyId& c) {
  const auto rows =
      db.query(std::string("SELECT ") + kCompanyColumns + " FROM companies WHERE id = $1", c);
  for (const auto& r : rows) return companyFrom(r);
  return std::nullopt;
}

std::vector<domain::Company> DirectoryStore::adminCompanies(db::Session& db) {
  std::vector<domain::Company> out;
  const auto rows = db.query(std::string("SELECT ") + kCompanyColumns +
                             " FROM companies WHERE active = 1 ORDER BY id");
  for (const auto& r : rows) out.push_back(companyFrom(r));
  return out;
}

std::vector<domain::Branch> DirectoryStore::branches(db::Session& db, const domain::CompanyId& c) {
  std::vector<domain::Branch> out;
  const auto rows = db.query(
      "SELECT id, name, timezone, address FROM branches WHERE company_id = $1 "
      "AND active = 1 ORDER BY id",
      c);
  for (const auto& r : rows)
    out.push_back({c, textAt(r, 0), textAt(r, 1), textAt(r, 2), true, textAt(r, 3)});
  return out;
}

std::vector<domain::PhoneNumber> DirectoryStore::phoneNumbers(db::Session& db,
                                                              const domain::CompanyId& c) {
  std::vector<domain::PhoneNumber> out;
  const auto rows = db.query(
      "SELECT e164, branch_id, retell_agent_id, is_primary FROM phone_numbers "
      "WHERE company_id = $1 AND active = 1 ORDER BY e164",
      c);
  for (const auto& r : rows)
    out.push_back({textAt(r, 0), c, textAt(r, 1), textAt(r, 2), int64At(r, 3) != 0, true});
  return out;
}

std::optional<domain::NumberOwner> DirectoryStore::adminOwnerOfNumber(db::Session& db,
                                                                      const std::string& e164) {
  const auto rows = db.query(
      "SELECT n.company_id, n.branch_id FROM phone_numbers n JOIN companies c "
      "ON c.id = n.company_id WHERE n.e164 = $1 AND n.active = 1 AND c.active = 1",
      e164);
  for (const auto& r : rows) return domain::NumberOwner{textAt(r, 0), textAt(r, 1)};
  return std::nullopt;
}

std::vector<domain::Service> DirectoryStore::loadServices(db::Session& db,
                                                          const domain::CompanyId& c,
                                                          const std::string& only_id) {
  std::vector<domain::Service> out;
  const int all = only_id.empty();
  const auto rows = db.query(
      "SELECT id, name, duration_minutes, price_minor, currency, "
      "calcom_event_type_id, aliases FROM services WHERE company_id = $1 AND active = 1 "
      "AND ($2 = 1 OR id = $3) ORDER BY id",
      c, all, only_id);
  for (const auto& r : rows) {
    domain::Service s;
    s.company_id = c;
    s.id = textAt(r, 0);
    s.name = textAt(r, 1);
    s.duration_minutes = static_cast<int>(int64At(r, 2));
    s.price = {int64At(r, 3), textAt(r, 4)};
    s.calcom_event_type_id = r.get<std::optional<std::int64_t>>(5);
    std::istringstream aliases(textAt(r, 6));
    for (std::string a; std::getline(aliases, a);)
      if (!a.empty()) s.aliases.push_back(a);
    out.push_back(std::move(s));
  }
  for (auto& s : out) {
    const auto segs = db.query(
        "SELECT name, duration_minutes, staff_busy FROM service_segments "
        "WHERE company_id = $1 AND service_id = $2 ORDER BY position",
        c, s.id);
    for (const auto& r : segs)
      s.segments.push_back({textAt(r, 0), static_cast<int>(int64At(r, 1)), int64At(r, 2) != 0});
    s.branch_ids = ids(db,
                       "SELECT branch_id FROM service_branches WHERE company_id = $1 AND "
                       "service_id = $2 ORDER BY branch_id",
                       c, s.id);
    s.staff_ids = ids(db,
                      "SELECT staff_id FROM service_staff WHERE company_id = $1 AND "
                      "service_id = $2 ORDER BY staff_id",
                      c, s.id);
  }
  return out;
}

std::vector<domain::Service> DirectoryStore::services(db::Session& db, const domain::CompanyId& c) {
  return loadServices(db, c, "");
}

std::optional<domain::Service> DirectoryStore::service(db::Session& db, const domain::CompanyId& c,
                                                       const std::string& service_id) {
  if (service_id.empty()) return std::nullopt;
  auto found = loadServices(db, c, service_id);
  if (found.empty()) return std::nullopt;
  return found.front();
}

std::vector<domain::Staff> DirectoryStore::staff(db::Session& db, const domain::CompanyId& c) {
  std::vector<domain::Staff> out;
  const auto rows =
      db.query("SELECT id, name FROM staff WHERE company_id = $1 AND active = 1 ORDER BY id", c);
  for (const auto& r : rows) out.push_back({c, textAt(r, 0), textAt(r, 1), {}, true});
  for (auto& s : out)
    s.branch_ids = ids(db,
                       "SELECT branch_id FROM staff_branches WHERE company_id = $1 AND "
                       "staff_id = $2 ORDER BY branch_id",
                       c, s.id);
  return out;
}

std::vector<domain::WorkingHour> DirectoryStore::workingHours(db::Session& db,
                                                              const domain::CompanyId& c,
                                                              const std::string& branch_id) {
  std::vector<domain::WorkingHour> out;
  const auto rows = db.query(
      "SELECT weekday, start_minute, end_minute FROM working_hours WHERE "
      "company_id = $1 AND branch_id = $2 ORDER BY weekday, start_minute",
      c, branch_id);
  for (const auto& r : rows)
    out.push_back({c, branch_id, static_cast<int>(int64At(r, 0)), static_cast<int>(int64At(r, 1)),
                   static_cast<int>(int64At(r, 2))});
  return out;
}

std::optional<std::string> DirectoryStore::secret(db::Session& db, const domain::CompanyId& c,
                                                  const std::string& name) {
  if (!box_) return std::nullopt;
  const auto rows =
      db.query("SELECT sealed FROM company_secrets WHERE company_id = $1 AND name = $2", c, name);
  for (const auto& r : rows) {
    auto plain = box_->open(c, name, textAt(r, 0));
    if (!plain)
      throw std::runtime_error("secret " + name + " of company " + c +
                               " does not open with the configured key");
    return plain;
  }
  return std::nullopt;
}

}  // namespace directory
