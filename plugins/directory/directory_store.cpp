#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <soci/soci.h>

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

void DirectoryStore::apply(soci::session& db, const Catalog& catalog, TimePoint now) const {
  const ll updated = toMs(now);
  soci::transaction tx(db);
  // Everything inactive first; what the catalog names comes back active below. Readers never
  // see the middle: it is one transaction.
  for (const char* table : {"companies", "branches", "phone_numbers", "services", "staff"})
    db << std::string("UPDATE ") + table + " SET active = 0";
  for (const auto& e : catalog.companies) {
    const auto& c = e.company;
    Nullable team(c.calcom_team_id);
    const std::string settings = settingsToJson(c.settings);
    const int retell_enabled = c.retell_enabled;
    db << "INSERT INTO companies (id, name, currency, language, country, billing_type, "
          "pricing_plan, calcom_team_id, retell_agent_id, retell_enabled, telegram_chat_id, "
          "settings, active, updated_at_ms) VALUES (:id, :name, :cur, :lang, :country, :bt, "
          ":plan, :team, :agent, :re, :chat, :settings, 1, :at) "
          "ON CONFLICT (id) DO UPDATE SET name = excluded.name, currency = excluded.currency, "
          "language = excluded.language, country = excluded.country, "
          "retell_enabled = excluded.retell_enabled, billing_type = excluded.billing_type, "
          "pricing_plan = excluded.pricing_plan, calcom_team_id = excluded.calcom_team_id, "
          "retell_agent_id = excluded.retell_agent_id, "
          "telegram_chat_id = excluded.telegram_chat_id, settings = excluded.settings, "
          "active = 1, updated_at_ms = excluded.updated_at_ms",
        soci::use(c.id), soci::use(c.name), soci::use(c.currency), soci::use(c.language),
        soci::use(c.country), soci::use(c.billing_type), soci::use(c.pricing_plan),
        soci::use(team.value, team.ind), soci::use(c.retell_agent_id), soci::use(retell_enabled),
        soci::use(c.telegram_chat_id), soci::use(settings), soci::use(updated);
    for (const auto& b : e.branches)
      db << "INSERT INTO branches (company_id, id, name, timezone, active, address) "
            "VALUES (:c, :id, :name, :tz, 1, :address) ON CONFLICT (company_id, id) DO UPDATE "
            "SET name = excluded.name, timezone = excluded.timezone, active = 1, "
            "address = excluded.address",
          soci::use(c.id), soci::use(b.id), soci::use(b.name), soci::use(b.timezone),
          soci::use(b.address);
    for (const auto& n : e.numbers) {
      const int primary = n.primary;
      db << "INSERT INTO phone_numbers (e164, company_id, branch_id, retell_agent_id, "
            "is_primary, active) VALUES (:e, :c, :b, :agent, :p, 1) ON CONFLICT (e164) DO "
            "UPDATE SET company_id = excluded.company_id, branch_id = excluded.branch_id, "
            "retell_agent_id = excluded.retell_agent_id, is_primary = excluded.is_primary, "
            "active = 1",
          soci::use(n.e164), soci::use(c.id), soci::use(n.branch_id), soci::use(n.retell_agent_id),
          soci::use(primary);
    }
    for (const auto& s : e.staff)
      db << "INSERT INTO staff (company_id, id, name, active) VALUES (:c, :id, :name, 1) "
            "ON CONFLICT (company_id, id) DO UPDATE SET name = excluded.name, active = 1",
          soci::use(c.id), soci::use(s.id), soci::use(s.name);
    for (const auto& s : e.services) {
      Nullable event_type(s.calcom_event_type_id);
      const ll price = s.price.minor;
      std::string aliases;
      for (const auto& a : s.aliases) aliases += (aliases.empty() ? "" : "\n") + a;
      db << "INSERT INTO services (company_id, id, name, aliases, duration_minutes, price_minor, "
            "currency, calcom_event_type_id, active) VALUES (:c, :id, :name, :al, :d, :p, :cur, "
            ":et, 1) ON CONFLICT (company_id, id) DO UPDATE SET name = excluded.name, "
            "aliases = excluded.aliases, "
            "duration_minutes = excluded.duration_minutes, price_minor = excluded.price_minor, "
            "currency = excluded.currency, calcom_event_type_id = excluded.calcom_event_type_id, "
            "active = 1",
          soci::use(c.id), soci::use(s.id), soci::use(s.name), soci::use(aliases),
          soci::use(s.duration_minutes), soci::use(price), soci::use(s.price.currency),
          soci::use(event_type.value, event_type.ind);
    }
    // Link tables carry no history: replaced whole.
    for (const char* table : {"working_hours", "service_segments", "service_branches",
                              "service_staff", "staff_branches", "company_secrets"})
      db << std::string("DELETE FROM ") + table + " WHERE company_id = :c", soci::use(c.id);
    for (const auto& h : e.hours)
      db << "INSERT INTO working_hours (company_id, branch_id, weekday, start_minute, "
            "end_minute) VALUES (:c, :b, :w, :s, :e)",
          soci::use(c.id), soci::use(h.branch_id), soci::use(h.weekday), soci::use(h.start_minute),
          soci::use(h.end_minute);
    for (const auto& s : e.services) {
      for (std::size_t i = 0; i < s.segments.size(); ++i) {
        const auto& g = s.segments[i];
        const int position = static_cast<int>(i), busy = g.staff_busy;
        db << "INSERT INTO service_segments (company_id, service_id, position, name, "
              "duration_minutes, staff_busy) VALUES (:c, :s, :p, :n, :d, :b)",
            soci::use(c.id), soci::use(s.id), soci::use(position), soci::use(g.name),
            soci::use(g.duration_minutes), soci::use(busy);
      }
      for (const auto& b : s.branch_ids)
        db << "INSERT INTO service_branches (company_id, service_id, branch_id) "
              "VALUES (:c, :s, :b)",
            soci::use(c.id), soci::use(s.id), soci::use(b);
      for (const auto& st : s.staff_ids)
        db << "INSERT INTO service_staff (company_id, service_id, staff_id) VALUES (:c, :s, :t)",
            soci::use(c.id), soci::use(s.id), soci::use(st);
    }
    for (const auto& st : e.staff)
      for (const auto& b : st.branch_ids)
        db << "INSERT INTO staff_branches (company_id, staff_id, branch_id) VALUES (:c, :s, :b)",
            soci::use(c.id), soci::use(st.id), soci::use(b);
    for (const auto& [name, plaintext] : e.secrets) {
      if (!box_) throw std::logic_error("catalog secrets without a secrets key");
      const std::string sealed = box_->seal(c.id, name, plaintext);
      db << "INSERT INTO company_secrets (company_id, name, sealed) VALUES (:c, :n, :s)",
          soci::use(c.id), soci::use(name), soci::use(sealed);
    }
  }
  tx.commit();
}

namespace {

constexpr const char* kCompanyColumns =
    "id, name, currency, language, billing_type, pricing_plan, calcom_team_id, "
    "retell_agent_id, telegram_chat_id, active, settings, country, retell_enabled";

domain::Company companyFrom(const soci::row& r) {
  domain::Company c;
  c.id = textAt(r, 0);
  c.name = textAt(r, 1);
  c.currency = textAt(r, 2);
  c.language = textAt(r, 3);
  c.billing_type = textAt(r, 4);
  c.pricing_plan = textAt(r, 5);
  c.calcom_team_id = optionalInt64At(r, 6);
  c.retell_agent_id = textAt(r, 7);
  c.telegram_chat_id = textAt(r, 8);
  c.active = int64At(r, 9) != 0;
  c.settings = settingsFromJson(textAt(r, 10));
  c.country = textAt(r, 11);
  c.retell_enabled = int64At(r, 12) != 0;
  return c;
}

// The ids in column 0 of a query bound to (company, id).
std::vector<std::string> ids(soci::session& db, const std::string& query, const std::string& c,
                             const std::string& id) {
  std::vector<std::string> out;
  soci::rowset<soci::row> rows = (db.prepare << query, soci::use(c), soci::use(id));
  for (const auto& r : rows) out.push_back(textAt(r, 0));
  return out;
}

}  // namespace

std::optional<domain::Company> DirectoryStore::company(soci::session& db,
                                                       const domain::CompanyId& c) {
  soci::rowset<soci::row> rows =
      (db.prepare << std::string("SELECT ") + kCompanyColumns + " FROM companies WHERE id = :c",
       soci::use(c));
  for (const auto& r : rows) return companyFrom(r);
  return std::nullopt;
}

std::vector<domain::Company> DirectoryStore::adminCompanies(soci::session& db) {
  std::vector<domain::Company> out;
  soci::rowset<soci::row> rows = (db.prepare << std::string("SELECT ") + kCompanyColumns +
                                                    " FROM companies WHERE active = 1 ORDER BY id");
  for (const auto& r : rows) out.push_back(companyFrom(r));
  return out;
}

std::vector<domain::Branch> DirectoryStore::branches(soci::session& db,
                                                     const domain::CompanyId& c) {
  std::vector<domain::Branch> out;
  soci::rowset<soci::row> rows =
      (db.prepare << "SELECT id, name, timezone, address FROM branches WHERE company_id = :c "
                     "AND active = 1 ORDER BY id",
       soci::use(c));
  for (const auto& r : rows)
    out.push_back({c, textAt(r, 0), textAt(r, 1), textAt(r, 2), true, textAt(r, 3)});
  return out;
}

std::vector<domain::PhoneNumber> DirectoryStore::phoneNumbers(soci::session& db,
                                                              const domain::CompanyId& c) {
  std::vector<domain::PhoneNumber> out;
  soci::rowset<soci::row> rows =
      (db.prepare << "SELECT e164, branch_id, retell_agent_id, is_primary FROM phone_numbers "
                     "WHERE company_id = :c AND active = 1 ORDER BY e164",
       soci::use(c));
  for (const auto& r : rows)
    out.push_back({textAt(r, 0), c, textAt(r, 1), textAt(r, 2), int64At(r, 3) != 0, true});
  return out;
}

std::optional<domain::NumberOwner> DirectoryStore::adminOwnerOfNumber(soci::session& db,
                                                                      const std::string& e164) {
  soci::rowset<soci::row> rows =
      (db.prepare << "SELECT n.company_id, n.branch_id FROM phone_numbers n JOIN companies c "
                     "ON c.id = n.company_id WHERE n.e164 = :e AND n.active = 1 AND c.active = 1",
       soci::use(e164));
  for (const auto& r : rows) return domain::NumberOwner{textAt(r, 0), textAt(r, 1)};
  return std::nullopt;
}

std::vector<domain::Service> DirectoryStore::loadServices(soci::session& db,
                                                          const domain::CompanyId& c,
                                                          const std::string& only_id) {
  std::vector<domain::Service> out;
  const int all = only_id.empty();
  soci::rowset<soci::row> rows =
      (db.prepare
           << "SELECT id, name, duration_minutes, price_minor, currency, "
              "calcom_event_type_id, aliases FROM services WHERE company_id = :c AND active = 1 "
              "AND (:all = 1 OR id = :id) ORDER BY id",
       soci::use(c), soci::use(all), soci::use(only_id));
  for (const auto& r : rows) {
    domain::Service s;
    s.company_id = c;
    s.id = textAt(r, 0);
    s.name = textAt(r, 1);
    s.duration_minutes = static_cast<int>(int64At(r, 2));
    s.price = {int64At(r, 3), textAt(r, 4)};
    s.calcom_event_type_id = optionalInt64At(r, 5);
    std::istringstream aliases(textAt(r, 6));
    for (std::string a; std::getline(aliases, a);)
      if (!a.empty()) s.aliases.push_back(a);
    out.push_back(std::move(s));
  }
  for (auto& s : out) {
    soci::rowset<soci::row> segs =
        (db.prepare << "SELECT name, duration_minutes, staff_busy FROM service_segments "
                       "WHERE company_id = :c AND service_id = :s ORDER BY position",
         soci::use(c), soci::use(s.id));
    for (const auto& r : segs)
      s.segments.push_back({textAt(r, 0), static_cast<int>(int64At(r, 1)), int64At(r, 2) != 0});
    s.branch_ids = ids(db,
                       "SELECT branch_id FROM service_branches WHERE company_id = :c AND "
                       "service_id = :s ORDER BY branch_id",
                       c, s.id);
    s.staff_ids = ids(db,
                      "SELECT staff_id FROM service_staff WHERE company_id = :c AND "
                      "service_id = :s ORDER BY staff_id",
                      c, s.id);
  }
  return out;
}

std::vector<domain::Service> DirectoryStore::services(soci::session& db,
                                                      const domain::CompanyId& c) {
  return loadServices(db, c, "");
}

std::optional<domain::Service> DirectoryStore::service(soci::session& db,
                                                       const domain::CompanyId& c,
                                                       const std::string& service_id) {
  if (service_id.empty()) return std::nullopt;
  auto found = loadServices(db, c, service_id);
  if (found.empty()) return std::nullopt;
  return found.front();
}

std::vector<domain::Staff> DirectoryStore::staff(soci::session& db, const domain::CompanyId& c) {
  std::vector<domain::Staff> out;
  soci::rowset<soci::row> rows =
      (db.prepare << "SELECT id, name FROM staff WHERE company_id = :c AND active = 1 ORDER BY id",
       soci::use(c));
  for (const auto& r : rows) out.push_back({c, textAt(r, 0), textAt(r, 1), {}, true});
  for (auto& s : out)
    s.branch_ids = ids(db,
                       "SELECT branch_id FROM staff_branches WHERE company_id = :c AND "
                       "staff_id = :s ORDER BY branch_id",
                       c, s.id);
  return out;
}

std::vector<domain::WorkingHour> DirectoryStore::workingHours(soci::session& db,
                                                              const domain::CompanyId& c,
                                                              const std::string& branch_id) {
  std::vector<domain::WorkingHour> out;
  soci::rowset<soci::row> rows =
      (db.prepare << "SELECT weekday, start_minute, end_minute FROM working_hours WHERE "
                     "company_id = :c AND branch_id = :b ORDER BY weekday, start_minute",
       soci::use(c), soci::use(branch_id));
  for (const auto& r : rows)
    out.push_back({c, branch_id, static_cast<int>(int64At(r, 0)), static_cast<int>(int64At(r, 1)),
                   static_cast<int>(int64At(r, 2))});
  return out;
}

std::optional<std::string> DirectoryStore::secret(soci::session& db, const domain::CompanyId& c,
                                                  const std::string& name) {
  if (!box_) return std::nullopt;
  soci::rowset<soci::row> rows =
      (db.prepare << "SELECT sealed FROM company_secrets WHERE company_id = :c AND name = :n",
       soci::use(c), soci::use(name));
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
