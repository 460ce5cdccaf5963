// The ledger (transactions, top-ups, platform costs, invoices) per company, and the reference
// data all companies share (exchange rates, pricing plans).
#include <soci/soci.h>

#include "stores.h"
#include "switchboard/tenant_sql.h"

namespace directory {

using namespace switchboard::sql;

namespace {

constexpr Columns kTransactionColumns =
    columns("id, company_id, kind, amount_minor, currency, reference, created_at_ms");

domain::Transaction transactionFrom(const TextRow& r) {
  return {int64At(r, 0), textAt(r, 1),         textAt(r, 2), {int64At(r, 3), textAt(r, 4)},
          textAt(r, 5),  fromMs(int64At(r, 6))};
}

constexpr Columns kTopupColumns = columns(
    "id, company_id, amount_minor, currency, stripe_session_id, status, created_at_ms, "
    "completed_at_ms");

domain::BalanceTopup topupFrom(const TextRow& r) {
  return {int64At(r, 0), textAt(r, 1),          {int64At(r, 2), textAt(r, 3)}, textAt(r, 4),
          textAt(r, 5),  fromMs(int64At(r, 6)), optionalTimeAt(r, 7)};
}

constexpr Columns kInvoiceColumns = columns(
    "id, company_id, number, period_start, period_end, total_minor, currency, status, "
    "issued_at_ms");

domain::Invoice invoiceFrom(const TextRow& r) {
  return {int64At(r, 0), textAt(r, 1),        textAt(r, 2),
          textAt(r, 3),  textAt(r, 4),        {int64At(r, 5), textAt(r, 6)},
          textAt(r, 7),  optionalTimeAt(r, 8)};
}

}  // namespace

domain::Transaction LedgerStore::append(soci::session& db, const domain::CompanyId& c,
                                        domain::Transaction t) {
  requireCompany(c);
  if (t.reference.empty()) throw std::invalid_argument("a ledger entry needs a reference");
  const ll amount = t.amount.minor, created = toMs(t.created_at);
  db << "INSERT INTO transactions (company_id, kind, amount_minor, currency, reference, "
        "created_at_ms) VALUES (:c, :k, :a, :cur, :r, :t) ON CONFLICT (company_id, reference) "
        "DO NOTHING",
      soci::use(c), soci::use(t.kind), soci::use(amount), soci::use(t.amount.currency),
      soci::use(t.reference), soci::use(created);
  return *first(query<domain::Transaction>(
      db,
      std::string("SELECT ") + kTransactionColumns.text +
          " FROM transactions WHERE company_id = :c AND reference = :r",
      kTransactionColumns.count, transactionFrom, soci::use(c), soci::use(t.reference)));
}

std::vector<domain::Transaction> LedgerStore::transactions(soci::session& db,
                                                           const domain::CompanyId& c, int limit) {
  const ll n = limit;
  return query<domain::Transaction>(db,
                                    std::string("SELECT ") + kTransactionColumns.text +
                                        " FROM transactions WHERE company_id = :c "
                                        "ORDER BY id DESC LIMIT :n",
                                    kTransactionColumns.count, transactionFrom, soci::use(c),
                                    soci::use(n));
}

domain::Money LedgerStore::balance(soci::session& db, const domain::CompanyId& c) {
  std::string currency;
  soci::indicator ind = soci::i_null;
  db << "SELECT currency FROM companies WHERE id = :c", soci::use(c), soci::into(currency, ind);
  if (!db.got_data()) throw domain::NotFound("company " + c + " does not exist");
  std::int64_t sum = 0;
  soci::rowset<soci::row> rows =
      (db.prepare << "SELECT COALESCE(SUM(amount_minor), 0) FROM transactions "
                     "WHERE company_id = :c AND currency = :cur",
       soci::use(c), soci::use(currency));
  for (const auto& r : rows) sum = int64At(r, 0);
  return {sum, currency};
}

domain::BalanceTopup LedgerStore::saveTopup(soci::session& db, const domain::CompanyId& c,
                                            domain::BalanceTopup t) {
  requireCompany(c);
  t.company_id = c;
  NullableText session(t.stripe_session_id);
  Nullable completed(t.completed_at);
  const ll amount = t.amount.minor, created = toMs(t.created_at);
  if (t.id == 0) {
    ll id = 0;
    db << "INSERT INTO balance_topups (company_id, amount_minor, currency, stripe_session_id, "
          "status, created_at_ms, completed_at_ms) VALUES (:c, :a, :cur, :s, :st, :t, :done) "
          "RETURNING id",
        soci::use(c), soci::use(amount), soci::use(t.amount.currency),
        soci::use(session.value, session.ind), soci::use(t.status), soci::use(created),
        soci::use(completed.value, completed.ind), soci::into(id);
    t.id = id;
    return t;
  }
  const ll id = t.id;
  soci::statement st =
      (db.prepare << "UPDATE balance_topups SET amount_minor = :a, currency = :cur, "
                     "stripe_session_id = :s, status = :st, completed_at_ms = :done "
                     "WHERE id = :id AND company_id = :c",
       soci::use(amount), soci::use(t.amount.currency), soci::use(session.value, session.ind),
       soci::use(t.status), soci::use(completed.value, completed.ind), soci::use(id), soci::use(c));
  st.execute(true);
  requireUpdated(st, "top-up", t.id, c);
  return t;
}

std::optional<domain::BalanceTopup> LedgerStore::topupBySession(soci::session& db,
                                                                const domain::CompanyId& c,
                                                                const std::string& session_id) {
  return first(query<domain::BalanceTopup>(
      db,
      std::string("SELECT ") + kTopupColumns.text +
          " FROM balance_topups WHERE company_id = :c AND stripe_session_id = :s",
      kTopupColumns.count, topupFrom, soci::use(c), soci::use(session_id)));
}

domain::PlatformCost LedgerStore::addPlatformCost(soci::session& db, const domain::CompanyId& c,
                                                  domain::PlatformCost cost) {
  requireCompany(c);
  cost.company_id = c;
  Nullable call(cost.call_id);
  const ll amount = cost.amount.minor, at = toMs(cost.incurred_at);
  ll id = 0;
  db << "INSERT INTO platform_costs (company_id, call_id, platform, amount_minor, currency, "
        "incurred_at_ms) VALUES (:c, :call, :p, :a, :cur, :t) RETURNING id",
      soci::use(c), soci::use(call.value, call.ind), soci::use(cost.platform), soci::use(amount),
      soci::use(cost.amount.currency), soci::use(at), soci::into(id);
  cost.id = id;
  return cost;
}

std::vector<domain::PlatformCost> LedgerStore::platformCosts(soci::session& db,
                                                             const domain::CompanyId& c,
                                                             std::int64_t call_id) {
  const ll call = call_id;
  return query<domain::PlatformCost>(
      db,
      "SELECT id, company_id, call_id, platform, amount_minor, currency, incurred_at_ms FROM "
      "platform_costs WHERE company_id = :c AND call_id = :call ORDER BY id",
      7,
      [](const TextRow& r) {
        return domain::PlatformCost{int64At(r, 0),
                                    textAt(r, 1),
                                    optionalInt64At(r, 2),
                                    textAt(r, 3),
                                    {int64At(r, 4), textAt(r, 5)},
                                    fromMs(int64At(r, 6))};
      },
      soci::use(c), soci::use(call));
}

domain::Invoice LedgerStore::saveInvoice(soci::session& db, const domain::CompanyId& c,
                                         domain::Invoice inv) {
  requireCompany(c);
  inv.company_id = c;
  Nullable issued(inv.issued_at);
  const ll total = inv.total.minor;
  if (inv.id == 0) {
    ll id = 0;
    db << "INSERT INTO invoices (company_id, number, period_start, period_end, total_minor, "
          "currency, status, issued_at_ms) VALUES (:c, :n, :ps, :pe, :t, :cur, :s, :i) "
          "RETURNING id",
        soci::use(c), soci::use(inv.number), soci::use(inv.period_start), soci::use(inv.period_end),
        soci::use(total), soci::use(inv.total.currency), soci::use(inv.status),
        soci::use(issued.value, issued.ind), soci::into(id);
    inv.id = id;
    return inv;
  }
  const ll id = inv.id;
  soci::statement st =
      (db.prepare << "UPDATE invoices SET number = :n, period_start = :ps, period_end = :pe, "
                     "total_minor = :t, currency = :cur, status = :s, issued_at_ms = :i "
                     "WHERE id = :id AND company_id = :c",
       soci::use(inv.number), soci::use(inv.period_start), soci::use(inv.period_end),
       soci::use(total), soci::use(inv.total.currency), soci::use(inv.status),
       soci::use(issued.value, issued.ind), soci::use(id), soci::use(c));
  st.execute(true);
  requireUpdated(st, "invoice", inv.id, c);
  return inv;
}

std::vector<domain::Invoice> LedgerStore::invoices(soci::session& db, const domain::CompanyId& c) {
  return query<domain::Invoice>(db,
                                std::string("SELECT ") + kInvoiceColumns.text +
                                    " FROM invoices WHERE company_id = :c ORDER BY id",
                                kInvoiceColumns.count, invoiceFrom, soci::use(c));
}

void ReferenceStore::saveRate(soci::session& db, const domain::ExchangeRate& rate) {
  const ll micros = rate.rate_micros;
  db << "INSERT INTO exchange_rates (base, quote, date, rate_micros, source) "
        "VALUES (:b, :q, :d, :r, :s) ON CONFLICT (base, quote, date) DO UPDATE SET "
        "rate_micros = excluded.rate_micros, source = excluded.source",
      soci::use(rate.base), soci::use(rate.quote), soci::use(rate.date), soci::use(micros),
      soci::use(rate.source);
}

std::optional<domain::ExchangeRate> ReferenceStore::rate(soci::session& db, const std::string& base,
                                                         const std::string& quote,
                                                         const std::string& date) {
  return first(query<domain::ExchangeRate>(
      db,
      "SELECT base, quote, rate_micros, date, source FROM exchange_rates WHERE base = :b AND "
      "quote = :q AND date <= :d ORDER BY date DESC LIMIT 1",
      5,
      [](const TextRow& r) {
        return domain::ExchangeRate{textAt(r, 0), textAt(r, 1), int64At(r, 2), textAt(r, 3),
                                    textAt(r, 4)};
      },
      soci::use(base), soci::use(quote), soci::use(date)));
}

void ReferenceStore::savePlan(soci::session& db, const domain::PricingPlan& plan) {
  const ll per_minute = plan.per_minute.minor, monthly = plan.monthly_fee.minor;
  db << "INSERT INTO pricing_plans (id, name, currency, per_minute_minor, monthly_fee_minor) "
        "VALUES (:id, :n, :c, :p, :m) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
        "currency = excluded.currency, per_minute_minor = excluded.per_minute_minor, "
        "monthly_fee_minor = excluded.monthly_fee_minor",
      soci::use(plan.id), soci::use(plan.name), soci::use(plan.currency), soci::use(per_minute),
      soci::use(monthly);
}

std::optional<domain::PricingPlan> ReferenceStore::plan(soci::session& db, const std::string& id) {
  return first(query<domain::PricingPlan>(
      db,
      "SELECT id, name, currency, per_minute_minor, monthly_fee_minor FROM pricing_plans "
      "WHERE id = :id",
      5,
      [](const TextRow& r) {
        return domain::PricingPlan{textAt(r, 0),
                                   textAt(r, 1),
                                   textAt(r, 2),
                                   {int64At(r, 3), textAt(r, 2)},
                                   {int64At(r, 4), textAt(r, 2)}};
      },
      soci::use(id)));
}

}  // namespace directory
