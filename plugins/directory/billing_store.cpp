// The ledger (transactions, top-ups, platform costs, invoices) per company, and the reference
// data all companies share (exchange rates, pricing plans).
#include "stores.h"
#include "switchboard/tenant_sql.h"

namespace directory {

using namespace switchboard::sql;

namespace {

constexpr const char* kTransactionColumns =
    ("id, company_id, kind, amount_minor, currency, reference, created_at_ms");

domain::Transaction transactionFrom(const db::Row& r) {
  return {int64At(r, 0), textAt(r, 1),         textAt(r, 2), {int64At(r, 3), textAt(r, 4)},
          textAt(r, 5),  fromMs(int64At(r, 6))};
}

constexpr const char* kTopupColumns =
    ("id, company_id, amount_minor, currency, stripe_session_id, status, created_at_ms, "
     "completed_at_ms");

domain::BalanceTopup topupFrom(const db::Row& r) {
  return {int64At(r, 0), textAt(r, 1),          {int64At(r, 2), textAt(r, 3)},     textAt(r, 4),
          textAt(r, 5),  fromMs(int64At(r, 6)), r.get<std::optional<TimePoint>>(7)};
}

constexpr const char* kInvoiceColumns =
    ("id, company_id, number, period_start, period_end, total_minor, currency, status, "
     "issued_at_ms");

domain::Invoice invoiceFrom(const db::Row& r) {
  return {int64At(r, 0), textAt(r, 1),
          textAt(r, 2),  textAt(r, 3),
          textAt(r, 4),  {int64At(r, 5), textAt(r, 6)},
          textAt(r, 7),  r.get<std::optional<TimePoint>>(8)};
}

}  // namespace

domain::Transaction LedgerStore::append(db::Session& db, const domain::CompanyId& c,
                                        domain::Transaction t) {
  requireCompany(c);
  if (t.reference.empty()) throw std::invalid_argument("a ledger entry needs a reference");
  const std::int64_t amount = t.amount.minor, created = toMs(t.created_at);
  db.execute(
      "INSERT INTO transactions (company_id, kind, amount_minor, currency, reference, "
      "created_at_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (company_id, reference) "
      "DO NOTHING",
      c, t.kind, amount, t.amount.currency, t.reference, created);
  return *first(
      query<domain::Transaction>(db,
                                 std::string("SELECT ") + kTransactionColumns +
                                     " FROM transactions WHERE company_id = $1 AND reference = $2",
                                 transactionFrom, c, t.reference));
}

std::vector<domain::Transaction> LedgerStore::transactions(db::Session& db,
                                                           const domain::CompanyId& c, int limit) {
  const std::int64_t n = limit;
  return query<domain::Transaction>(db,
                                    std::string("SELECT ") + kTransactionColumns +
                                        " FROM transactions WHERE company_id = $1 "
                                        "ORDER BY id DESC LIMIT $2",
                                    transactionFrom, c, n);
}

domain::Money LedgerStore::balance(db::Session& db, const domain::CompanyId& c) {
  const auto company = db.one("SELECT currency FROM companies WHERE id = $1", c);
  if (!company) throw domain::NotFound("company " + c + " does not exist");
  const auto currency = textAt(*company, 0);
  std::int64_t sum = 0;
  const auto rows = db.query(
      "SELECT COALESCE(SUM(amount_minor), 0) FROM transactions "
      "WHERE company_id = $1 AND currency = $2",
      c, currency);
  for (const auto& r : rows) sum = int64At(r, 0);
  return {sum, currency};
}

domain::BalanceTopup LedgerStore::saveTopup(db::Session& db, const domain::CompanyId& c,
                                            domain::BalanceTopup t) {
  requireCompany(c);
  t.company_id = c;
  const std::int64_t amount = t.amount.minor, created = toMs(t.created_at);
  if (t.id == 0) {
    std::int64_t id = 0;
    id = db.one(
               "INSERT INTO balance_topups (company_id, amount_minor, currency, stripe_session_id, "
               "status, created_at_ms, completed_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) "
               "RETURNING id",
               c, amount, t.amount.currency, nullIfEmpty(t.stripe_session_id), t.status, created,
               t.completed_at)
             ->get<std::int64_t>(0);
    t.id = id;
    return t;
  }
  const std::int64_t id = t.id;
  const auto affected = db.execute(
      "UPDATE balance_topups SET amount_minor = $1, currency = $2, "
      "stripe_session_id = $3, status = $4, completed_at_ms = $5 "
      "WHERE id = $6 AND company_id = $7",
      amount, t.amount.currency, nullIfEmpty(t.stripe_session_id), t.status, t.completed_at, id, c);
  requireUpdated(affected, "top-up", t.id, c);
  return t;
}

std::optional<domain::BalanceTopup> LedgerStore::topupBySession(db::Session& db,
                                                                const domain::CompanyId& c,
                                                                const std::string& session_id) {
  return first(query<domain::BalanceTopup>(
      db,
      std::string("SELECT ") + kTopupColumns +
          " FROM balance_topups WHERE company_id = $1 AND stripe_session_id = $2",
      topupFrom, c, session_id));
}

domain::PlatformCost LedgerStore::addPlatformCost(db::Session& db, const domain::CompanyId& c,
                                                  domain::PlatformCost cost) {
  requireCompany(c);
  cost.company_id = c;
  const std::int64_t amount = cost.amount.minor, at = toMs(cost.incurred_at);
  std::int64_t id = 0;
  id = db.one(
             "INSERT INTO platform_costs (company_id, call_id, platform, amount_minor, currency, "
             "incurred_at_ms) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
             c, cost.call_id, cost.platform, amount, cost.amount.currency, at)
           ->get<std::int64_t>(0);
  cost.id = id;
  return cost;
}

std::vector<domain::PlatformCost> LedgerStore::platformCosts(db::Session& db,
                                                             const domain::CompanyId& c,
                                                             std::int64_t call_id) {
  const std::int64_t call = call_id;
  return query<domain::PlatformCost>(
      db,
      "SELECT id, company_id, call_id, platform, amount_minor, currency, incurred_at_ms FROM "
      "platform_costs WHERE company_id = $1 AND call_id = $2 ORDER BY id",
      [](const db::Row& r) {
        return domain::PlatformCost{int64At(r, 0),
                                    textAt(r, 1),
                                    r.get<std::optional<std::int64_t>>(2),
                                    textAt(r, 3),
                                    {int64At(r, 4), textAt(r, 5)},
                                    fromMs(int64At(r, 6))};
      },
      c, call);
}

domain::Invoice LedgerStore::saveInvoice(db::Session& db, const domain::CompanyId& c,
                                         domain::Invoice inv) {
  requireCompany(c);
  inv.company_id = c;
  const std::int64_t total = inv.total.minor;
  if (inv.id == 0) {
    std::int64_t id = 0;
    id = db.one(
               "INSERT INTO invoices (company_id, number, period_start, period_end, total_minor, "
               "currency, status, issued_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
               "RETURNING id",
               c, inv.number, inv.period_start, inv.period_end, total, inv.total.currency,
               inv.status, inv.issued_at)
             ->get<std::int64_t>(0);
    inv.id = id;
    return inv;
  }
  const std::int64_t id = inv.id;
  const auto affected = db.execute(
      "UPDATE invoices SET number = $1, period_start = $2, period_end = $3, "
      "total_minor = $4, currency = $5, status = $6, issued_at_ms = $7 "
      "WHERE id = $8 AND company_id = $9",
      inv.number, inv.period_start, inv.period_end, total, inv.total.currency, inv.status,
      inv.issued_at, id, c);
  requireUpdated(affected, "invoice", inv.id, c);
  return inv;
}

std::vector<domain::Invoice> LedgerStore::invoices(db::Session& db, const domain::CompanyId& c) {
  return query<domain::Invoice>(
      db,
      std::string("SELECT ") + kInvoiceColumns + " FROM invoices WHERE company_id = $1 ORDER BY id",
      invoiceFrom, c);
}

void ReferenceStore::saveRate(db::Session& db, const domain::ExchangeRate& rate) {
  const std::int64_t micros = rate.rate_micros;
  db.execute(
      "INSERT INTO exchange_rates (base, quote, date, rate_micros, source) "
      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (base, quote, date) DO UPDATE SET "
      "rate_micros = excluded.rate_micros, source = excluded.source",
      rate.base, rate.quote, rate.date, micros, rate.source);
}

std::optional<domain::ExchangeRate> ReferenceStore::rate(db::Session& db, const std::string& base,
                                                         const std::string& quote,
                                                         const std::string& date) {
  return first(query<domain::ExchangeRate>(
      db,
      "SELECT base, quote, rate_micros, date, source FROM exchange_rates WHERE base = $1 AND "
      "quote = $2 AND date <= $3 ORDER BY date DESC LIMIT 1",
      [](const db::Row& r) {
        return domain::ExchangeRate{textAt(r, 0), textAt(r, 1), int64At(r, 2), textAt(r, 3),
                                    textAt(r, 4)};
      },
      base, quote, date));
}

void ReferenceStore::savePlan(db::Session& db, const domain::PricingPlan& plan) {
  const std::int64_t per_minute = plan.per_minute.minor, monthly = plan.monthly_fee.minor;
  db.execute(
      "INSERT INTO pricing_plans (id, name, currency, per_minute_minor, monthly_fee_minor) "
      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
      "currency = excluded.currency, per_minute_minor = excluded.per_minute_minor, "
      "monthly_fee_minor = excluded.monthly_fee_minor",
      plan.id, plan.name, plan.currency, per_minute, monthly);
}

std::optional<domain::PricingPlan> ReferenceStore::plan(db::Session& db, const std::string& id) {
  return first(query<domain::PricingPlan>(
      db,
      "SELECT id, name, currency, per_minute_minor, monthly_fee_minor FROM pricing_plans "
      "WHERE id = $1",
      [](const db::Row& r) {
        return domain::PricingPlan{textAt(r, 0),
                                   textAt(r, 1),
                                   textAt(r, 2),
                                   {int64At(r, 3), textAt(r, 2)},
                                   {int64At(r, 4), textAt(r, 2)}};
      },
      id));
}

}  // namespace directory
