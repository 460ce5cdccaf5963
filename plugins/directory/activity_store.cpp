// Customers, calls and appointments: what happens to a company, always scoped to it.
#include <soci/soci.h>

#include "stores.h"
#include "switchboard/tenant_sql.h"

namespace directory {

using namespace switchboard::sql;

namespace {

// ---- customers ----
constexpr Columns kCustomerColumns = columns(
    "id, company_id, phone_e164, name, email, journey_status, loyalty_tier, created_at_ms, "
    "name_source, call_count, last_call_at_ms");

domain::Customer customerFrom(const TextRow& r) {
  domain::Customer c;
  c.id = int64At(r, 0);
  c.company_id = textAt(r, 1);
  c.phone_e164 = textAt(r, 2);
  c.name = textAt(r, 3);
  c.email = textAt(r, 4);
  c.journey_status = textAt(r, 5);
  c.loyalty_tier = textAt(r, 6);
  c.created_at = fromMs(int64At(r, 7));
  c.name_source = textAt(r, 8);
  c.call_count = static_cast<int>(int64At(r, 9));
  c.last_call_at = optionalTimeAt(r, 10);
  return c;
}

}  // namespace

// Customers and appointments, like calls below, are read to be saved whole (a call counted, a
// journey moved on): locked on PostgreSQL so two such transactions take turns.
std::optional<domain::Customer> CustomerStore::byPhone(soci::session& db,
                                                       const domain::CompanyId& c,
                                                       const std::string& e164) {
  return first(query<domain::Customer>(
      db,
      std::string("SELECT ") + kCustomerColumns.text +
          " FROM customers WHERE company_id = :c AND phone_e164 = :p" + forUpdate(db),
      kCustomerColumns.count, customerFrom, soci::use(c), soci::use(e164)));
}

std::optional<domain::Customer> CustomerStore::get(soci::session& db, const domain::CompanyId& c,
                                                   std::int64_t id) {
  const ll row_id = id;
  return first(query<domain::Customer>(
      db,
      std::string("SELECT ") + kCustomerColumns.text +
          " FROM customers WHERE company_id = :c AND id = :id" + forUpdate(db),
      kCustomerColumns.count, customerFrom, soci::use(c), soci::use(row_id)));
}

domain::Customer CustomerStore::save(soci::session& db, const domain::CompanyId& c,
                                     domain::Customer customer) {
  requireCompany(c);
  customer.company_id = c;
  Nullable last_call(customer.last_call_at);
  if (customer.id == 0) {
    if (customer.created_at == TimePoint{}) customer.created_at = clock_.now();
    const ll created = toMs(customer.created_at);
    ll id = 0;
    db << "INSERT INTO customers (company_id, phone_e164, name, email, journey_status, "
          "loyalty_tier, created_at_ms, name_source, call_count, last_call_at_ms) VALUES (:c, "
          ":p, :n, :e, :j, :l, :t, :ns, :cc, :lc) RETURNING id",
        soci::use(c), soci::use(customer.phone_e164), soci::use(customer.name),
        soci::use(customer.email), soci::use(customer.journey_status),
        soci::use(customer.loyalty_tier), soci::use(created), soci::use(customer.name_source),
        soci::use(customer.call_count), soci::use(last_call.value, last_call.ind), soci::into(id);
    customer.id = id;
    return customer;
  }
  const ll id = customer.id;
  soci::statement st =
      (db.prepare << "UPDATE customers SET phone_e164 = :p, name = :n, email = :e, "
                     "journey_status = :j, loyalty_tier = :l, name_source = :ns, "
                     "call_count = :cc, last_call_at_ms = :lc WHERE id = :id AND company_id = :c",
       soci::use(customer.phone_e164), soci::use(customer.name), soci::use(customer.email),
       soci::use(customer.journey_status), soci::use(customer.loyalty_tier),
       soci::use(customer.name_source), soci::use(customer.call_count),
       soci::use(last_call.value, last_call.ind), soci::use(id), soci::use(c));
  st.execute(true);
  requireUpdated(st, "customer", customer.id, c);
  return customer;  // created_at is not updated: the stored row is this one
}

// ---- calls ----
namespace {

constexpr Columns kCallColumns = columns(
    "id, company_id, branch_id, provider, external_id, agent_id, direction, from_number, "
    "to_number, status, started_at_ms, ended_at_ms, analyzed_at_ms, duration_seconds, "
    "disconnection_reason, transcript, summary, sentiment, analysis_json, cost_minor, "
    "cost_currency, cost_usd_cents, customer_id, customer_name, appointment_id, flagged, "
    "flag_reason, requested_start_ms, booked_start_ms");

domain::Call callFrom(const TextRow& r) {
  domain::Call c;
  std::size_t i = 0;
  c.id = int64At(r, i++);
  c.company_id = textAt(r, i++);
  c.branch_id = textAt(r, i++);
  c.ref.provider = textAt(r, i++);
  c.ref.id = textAt(r, i++);
  c.agent_id = textAt(r, i++);
  c.direction = textAt(r, i++);
  c.from_number = textAt(r, i++);
  c.to_number = textAt(r, i++);
  c.status = textAt(r, i++);
  c.started_at = optionalTimeAt(r, i++);
  c.ended_at = optionalTimeAt(r, i++);
  c.analyzed_at = optionalTimeAt(r, i++);
  c.duration_seconds = static_cast<int>(int64At(r, i++));
  c.disconnection_reason = textAt(r, i++);
  c.transcript = textAt(r, i++);
  c.summary = textAt(r, i++);
  c.sentiment = textAt(r, i++);
  c.analysis_json = textAt(r, i++);
  c.cost.minor = int64At(r, i++);
  c.cost.currency = textAt(r, i++);
  c.cost_usd = {int64At(r, i++), "USD"};
  c.customer_id = optionalInt64At(r, i++);
  c.customer_name = textAt(r, i++);
  c.appointment_id = optionalInt64At(r, i++);
  c.flagged = int64At(r, i++) != 0;
  c.flag_reason = textAt(r, i++);
  c.requested_start = optionalTimeAt(r, i++);
  c.booked_start = optionalTimeAt(r, i++);
  return c;
}

}  // namespace

domain::Call CallStore::write(soci::session& db, const std::optional<std::string>& company,
                              domain::Call call) {
  call.company_id = company.value_or("");
  NullableText company_id(call.company_id), branch(call.branch_id);
  Nullable started(call.started_at), ended(call.ended_at), analyzed(call.analyzed_at),
      customer(call.customer_id), appointment(call.appointment_id), requested(call.requested_start),
      booked(call.booked_start);
  const ll cost = call.cost.minor, cost_usd = call.cost_usd.minor;
  const int flagged = call.flagged;
  if (call.id == 0) {
    ll id = 0;
    db << "INSERT INTO calls (company_id, branch_id, provider, external_id, agent_id, "
          "direction, from_number, to_number, status, started_at_ms, ended_at_ms, "
          "analyzed_at_ms, duration_seconds, disconnection_reason, transcript, summary, "
          "sentiment, analysis_json, cost_minor, cost_currency, cost_usd_cents, customer_id, "
          "customer_name, appointment_id, flagged, flag_reason, requested_start_ms, "
          "booked_start_ms) VALUES (:c, :b, :p, :x, :ag, :dir, :f, :t, :s, :sa, :ea, :aa, :d, "
          ":dr, :tr, :su, :se, :an, :cm, :cc, :cu, :cust, :cn, :ap, :fl, :fr, :rs, :bs) "
          "RETURNING id",
        soci::use(company_id.value, company_id.ind), soci::use(branch.value, branch.ind),
        soci::use(call.ref.provider), soci::use(call.ref.id), soci::use(call.agent_id),
        soci::use(call.direction), soci::use(call.from_number), soci::use(call.to_number),
        soci::use(call.status), soci::use(started.value, started.ind),
        soci::use(ended.value, ended.ind), soci::use(analyzed.value, analyzed.ind),
        soci::use(call.duration_seconds), soci::use(call.disconnection_reason),
        soci::use(call.transcript), soci::use(call.summary), soci::use(call.sentiment),
        soci::use(call.analysis_json), soci::use(cost), soci::use(call.cost.currency),
        soci::use(cost_usd), soci::use(customer.value, customer.ind), soci::use(call.customer_name),
        soci::use(appointment.value, appointment.ind), soci::use(flagged),
        soci::use(call.flag_reason), soci::use(requested.value, requested.ind),
        soci::use(booked.value, booked.ind), soci::into(id);
    call.id = id;
    return call;
  }
  const ll id = call.id;
  // company_id IS NOT DISTINCT FROM works on both backends only as a pair of tests:
  const int unassigned = !company.has_value();
  soci::statement st =
      (db.prepare << "UPDATE calls SET branch_id = :b, agent_id = :ag, direction = :dir, "
                     "from_number = :f, to_number = :t, status = :s, started_at_ms = :sa, "
                     "ended_at_ms = :ea, analyzed_at_ms = :aa, duration_seconds = :d, "
                     "disconnection_reason = :dr, transcript = :tr, summary = :su, "
                     "sentiment = :se, analysis_json = :an, cost_minor = :cm, "
                     "cost_currency = :cc, cost_usd_cents = :cu, customer_id = :cust, "
                     "customer_name = :cn, appointment_id = :ap, flagged = :fl, flag_reason = :fr, "
                     "requested_start_ms = :rs, booked_start_ms = :bs "
                     "WHERE id = :id AND ((:un = 1 AND company_id IS NULL) OR company_id = :c)",
       soci::use(branch.value, branch.ind), soci::use(call.agent_id), soci::use(call.direction),
       soci::use(call.from_number), soci::use(call.to_number), soci::use(call.status),
       soci::use(started.value, started.ind), soci::use(ended.value, ended.ind),
       soci::use(analyzed.value, analyzed.ind), soci::use(call.duration_seconds),
       soci::use(call.disconnection_reason), soci::use(call.transcript), soci::use(call.summary),
       soci::use(call.sentiment), soci::use(call.analysis_json), soci::use(cost),
       soci::use(call.cost.currency), soci::use(cost_usd), soci::use(customer.value, customer.ind),
       soci::use(call.customer_name), soci::use(appointment.value, appointment.ind),
       soci::use(flagged), soci::use(call.flag_reason), soci::use(requested.value, requested.ind),
       soci::use(booked.value, booked.ind), soci::use(id), soci::use(unassigned),
       soci::use(call.company_id));
  st.execute(true);
  requireUpdated(st, "call", call.id, call.company_id.empty() ? "(unassigned)" : call.company_id);
  return call;
}

domain::Call CallStore::save(soci::session& db, const domain::CompanyId& c, domain::Call call) {
  requireCompany(c);
  return write(db, c, std::move(call));
}

domain::Call CallStore::adminSaveUnassigned(soci::session& db, domain::Call call) {
  call.flagged = true;
  if (call.flag_reason.empty()) call.flag_reason = "the dialled number belongs to no company";
  call.branch_id.clear();
  return write(db, std::nullopt, std::move(call));
}

// A call read by id or by its provider's id is usually saved whole afterwards (the calls
// feature's reports, the booking's link): on PostgreSQL the row is locked, so two such
// transactions take turns instead of the later one writing back what the other changed.
std::optional<domain::Call> CallStore::get(soci::session& db, const domain::CompanyId& c,
                                           std::int64_t id) {
  const ll row_id = id;
  return first(query<domain::Call>(db,
                                   std::string("SELECT ") + kCallColumns.text +
                                       " FROM calls WHERE company_id = :c AND id = :id" +
                                       forUpdate(db),
                                   kCallColumns.count, callFrom, soci::use(c), soci::use(row_id)));
}

std::optional<domain::Call> CallStore::byRef(soci::session& db, const domain::CompanyId& c,
                                             const domain::ExternalRef& ref) {
  return first(query<domain::Call>(
      db,
      std::string("SELECT ") + kCallColumns.text +
          " FROM calls WHERE company_id = :c AND provider = :p AND external_id = :x",
      kCallColumns.count, callFrom, soci::use(c), soci::use(ref.provider), soci::use(ref.id)));
}

std::optional<domain::Call> CallStore::adminByRef(soci::session& db,
                                                  const domain::ExternalRef& ref) {
  return first(query<domain::Call>(
      db,
      std::string("SELECT ") + kCallColumns.text +
          " FROM calls WHERE provider = :p AND external_id = :x" + forUpdate(db),
      kCallColumns.count, callFrom, soci::use(ref.provider), soci::use(ref.id)));
}

std::vector<domain::Call> CallStore::between(soci::session& db, const domain::CompanyId& c,
                                             TimePoint from, TimePoint to) {
  const ll a = toMs(from), b = toMs(to);
  return query<domain::Call>(db,
                             std::string("SELECT ") + kCallColumns.text +
                                 " FROM calls WHERE company_id = :c AND started_at_ms >= :a AND "
                                 "started_at_ms < :b ORDER BY started_at_ms, id",
                             kCallColumns.count, callFrom, soci::use(c), soci::use(a),
                             soci::use(b));
}

std::vector<domain::Call> CallStore::adminUnassigned(soci::session& db, int limit) {
  const ll n = limit;
  return query<domain::Call>(db,
                             std::string("SELECT ") + kCallColumns.text +
                                 " FROM calls WHERE company_id IS NULL ORDER BY id DESC LIMIT :n",
                             kCallColumns.count, callFrom, soci::use(n));
}

std::int64_t CallStore::adminUnassignedSince(soci::session& db, TimePoint since) {
  const ll t = toMs(since);
  ll n = 0;
  db << "SELECT COUNT(*) FROM calls WHERE company_id IS NULL AND (started_at_ms >= :t OR "
        "(started_at_ms IS NULL AND ended_at_ms >= :t2))",
      soci::use(t), soci::use(t), soci::into(n);
  return n;
}

// ---- appointments ----
namespace {

constexpr Columns kAppointmentColumns = columns(
    "id, company_id, branch_id, service_id, staff_id, customer_id, call_id, starts_at_ms, "
    "ends_at_ms, status, calcom_booking_id, calcom_booking_uid, composite_group, source, "
    "requested_start_ms");

domain::Appointment appointmentFrom(const TextRow& r) {
  domain::Appointment a;
  a.id = int64At(r, 0);
  a.company_id = textAt(r, 1);
  a.branch_id = textAt(r, 2);
  a.service_id = textAt(r, 3);
  a.staff_id = textAt(r, 4);
  a.customer_id = optionalInt64At(r, 5);
  a.call_id = optionalInt64At(r, 6);
  a.starts_at = fromMs(int64At(r, 7));
  a.ends_at = fromMs(int64At(r, 8));
  a.status = textAt(r, 9);
  a.calcom_booking_id = optionalInt64At(r, 10);
  a.calcom_booking_uid = textAt(r, 11);
  a.composite_group = textAt(r, 12);
  a.source = textAt(r, 13);
  a.requested_start = optionalTimeAt(r, 14);
  return a;
}

}  // namespace

domain::Appointment AppointmentStore::save(soci::session& db, const domain::CompanyId& c,
                                           domain::Appointment a) {
  requireCompany(c);
  a.company_id = c;
  NullableText staff(a.staff_id), uid(a.calcom_booking_uid);
  Nullable customer(a.customer_id), call(a.call_id), booking(a.calcom_booking_id),
      requested(a.requested_start);
  const ll starts = toMs(a.starts_at), ends = toMs(a.ends_at);
  if (a.id == 0) {
    ll id = 0;
    db << "INSERT INTO appointments (company_id, branch_id, service_id, staff_id, customer_id, "
          "call_id, starts_at_ms, ends_at_ms, status, calcom_booking_id, calcom_booking_uid, "
          "composite_group, source, requested_start_ms) VALUES (:c, :b, :s, :st, :cu, :ca, :sa, "
          ":ea, :status, :bid, :uid, :g, :src, :rs) RETURNING id",
        soci::use(c), soci::use(a.branch_id), soci::use(a.service_id),
        soci::use(staff.value, staff.ind), soci::use(customer.value, customer.ind),
        soci::use(call.value, call.ind), soci::use(starts), soci::use(ends), soci::use(a.status),
        soci::use(booking.value, booking.ind), soci::use(uid.value, uid.ind),
        soci::use(a.composite_group), soci::use(a.source),
        soci::use(requested.value, requested.ind), soci::into(id);
    a.id = id;
    return a;
  }
  const ll id = a.id;
  soci::statement st =
      (db.prepare << "UPDATE appointments SET branch_id = :b, service_id = :s, staff_id = :st, "
                     "customer_id = :cu, call_id = :ca, starts_at_ms = :sa, ends_at_ms = :ea, "
                     "status = :status, calcom_booking_id = :bid, calcom_booking_uid = :uid, "
                     "composite_group = :g, source = :src, requested_start_ms = :rs "
                     "WHERE id = :id AND company_id = :c",
       soci::use(a.branch_id), soci::use(a.service_id), soci::use(staff.value, staff.ind),
       soci::use(customer.value, customer.ind), soci::use(call.value, call.ind), soci::use(starts),
       soci::use(ends), soci::use(a.status), soci::use(booking.value, booking.ind),
       soci::use(uid.value, uid.ind), soci::use(a.composite_group), soci::use(a.source),
       soci::use(requested.value, requested.ind), soci::use(id), soci::use(c));
  st.execute(true);
  requireUpdated(st, "appointment", a.id, c);
  return a;
}

std::optional<domain::Appointment> AppointmentStore::get(soci::session& db,
                                                         const domain::CompanyId& c,
                                                         std::int64_t id) {
  const ll row_id = id;
  return first(query<domain::Appointment>(
      db,
      std::string("SELECT ") + kAppointmentColumns.text +
          " FROM appointments WHERE company_id = :c AND id = :id" + forUpdate(db),
      kAppointmentColumns.count, appointmentFrom, soci::use(c), soci::use(row_id)));
}

std::optional<domain::Appointment> AppointmentStore::byCalcomUid(soci::session& db,
                                                                 const domain::CompanyId& c,
                                                                 const std::string& uid) {
  return first(query<domain::Appointment>(
      db,
      std::string("SELECT ") + kAppointmentColumns.text +
          " FROM appointments WHERE company_id = :c AND calcom_booking_uid = :u" + forUpdate(db),
      kAppointmentColumns.count, appointmentFrom, soci::use(c), soci::use(uid)));
}

std::vector<domain::Appointment> AppointmentStore::forCustomer(soci::session& db,
                                                               const domain::CompanyId& c,
                                                               std::int64_t customer_id) {
  const ll id = customer_id;
  return query<domain::Appointment>(db,
                                    std::string("SELECT ") + kAppointmentColumns.text +
                                        " FROM appointments WHERE company_id = :c AND customer_id "
                                        "= :cu ORDER BY starts_at_ms, id",
                                    kAppointmentColumns.count, appointmentFrom, soci::use(c),
                                    soci::use(id));
}

std::vector<domain::Appointment> AppointmentStore::forBranch(soci::session& db,
                                                             const domain::CompanyId& c,
                                                             const std::string& branch_id,
                                                             TimePoint from, TimePoint to) {
  const ll a = toMs(from), b = toMs(to);
  return query<domain::Appointment>(
      db,
      std::string("SELECT ") + kAppointmentColumns.text +
          " FROM appointments WHERE company_id = :c AND branch_id = :b AND starts_at_ms >= :f "
          "AND starts_at_ms < :t ORDER BY starts_at_ms, id",
      kAppointmentColumns.count, appointmentFrom, soci::use(c), soci::use(branch_id), soci::use(a),
      soci::use(b));
}

}  // namespace directory
