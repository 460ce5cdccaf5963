// Customers, calls and appointments: what happens to a company, always scoped to it.
#include "stores.h"
#include "switchboard/tenant_sql.h"

namespace directory {

using namespace switchboard::sql;

namespace {

// ---- customers ----
constexpr const char* kCustomerColumns =
    ("id, company_id, phone_e164, name, email, journey_status, loyalty_tier, created_at_ms, "
     "name_source, call_count, last_call_at_ms");

domain::Customer customerFrom(const db::Row& r) {
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
  c.last_call_at = r.get<std::optional<TimePoint>>(10);
  return c;
}

}  // namespace

// Customers and appointments, like calls below, are read to be saved whole (a call counted, a
// journey moved on): locked on PostgreSQL so two such transactions take turns.
std::optional<domain::Customer> CustomerStore::byPhone(db::Session& db, const domain::CompanyId& c,
                                                       const std::string& e164) {
  return first(query<domain::Customer>(
      db,
      std::string("SELECT ") + kCustomerColumns +
          " FROM customers WHERE company_id = $1 AND phone_e164 = $2" + db.forUpdate(),
      customerFrom, c, e164));
}

std::optional<domain::Customer> CustomerStore::get(db::Session& db, const domain::CompanyId& c,
                                                   std::int64_t id) {
  return first(query<domain::Customer>(db,
                                       std::string("SELECT ") + kCustomerColumns +
                                           " FROM customers WHERE company_id = $1 AND id = $2" +
                                           db.forUpdate(),
                                       customerFrom, c, id));
}

domain::Customer CustomerStore::save(db::Session& db, const domain::CompanyId& c,
                                     domain::Customer customer) {
  requireCompany(c);
  customer.company_id = c;
  if (customer.id == 0) {
    if (customer.created_at == TimePoint{}) customer.created_at = clock_.now();
    customer.id =
        db.one(
              "INSERT INTO customers (company_id, phone_e164, name, email, journey_status, "
              "loyalty_tier, created_at_ms, name_source, call_count, last_call_at_ms) VALUES ($1, "
              "$2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
              c, customer.phone_e164, customer.name, customer.email, customer.journey_status,
              customer.loyalty_tier, customer.created_at, customer.name_source, customer.call_count,
              customer.last_call_at)
            ->get<std::int64_t>(0);
    return customer;
  }
  requireUpdated(
      db.execute("UPDATE customers SET phone_e164 = $1, name = $2, email = $3, "
                 "journey_status = $4, loyalty_tier = $5, name_source = $6, call_count = $7, "
                 "last_call_at_ms = $8 WHERE id = $9 AND company_id = $10",
                 customer.phone_e164, customer.name, customer.email, customer.journey_status,
                 customer.loyalty_tier, customer.name_source, customer.call_count,
                 customer.last_call_at, customer.id, c),
      "customer", customer.id, c);
  return customer;  // created_at is not updated: the stored row is this one
}

// ---- calls ----
namespace {

constexpr const char* kCallColumns =
    ("id, company_id, branch_id, provider, external_id, agent_id, direction, from_number, "
     "to_number, status, started_at_ms, ended_at_ms, analyzed_at_ms, duration_seconds, "
     "disconnection_reason, transcript, summary, sentiment, analysis_json, cost_minor, "
     "cost_currency, cost_usd_cents, customer_id, customer_name, appointment_id, flagged, "
     "flag_reason, requested_start_ms, booked_start_ms");

domain::Call callFrom(const db::Row& r) {
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
  c.started_at = r.get<std::optional<TimePoint>>(i++);
  c.ended_at = r.get<std::optional<TimePoint>>(i++);
  c.analyzed_at = r.get<std::optional<TimePoint>>(i++);
  c.duration_seconds = static_cast<int>(int64At(r, i++));
  c.disconnection_reason = textAt(r, i++);
  c.transcript = textAt(r, i++);
  c.summary = textAt(r, i++);
  c.sentiment = textAt(r, i++);
  c.analysis_json = textAt(r, i++);
  c.cost.minor = int64At(r, i++);
  c.cost.currency = textAt(r, i++);
  c.cost_usd = {int64At(r, i++), "USD"};
  c.customer_id = r.get<std::optional<std::int64_t>>(i++);
  c.customer_name = textAt(r, i++);
  c.appointment_id = r.get<std::optional<std::int64_t>>(i++);
  c.flagged = int64At(r, i++) != 0;
  c.flag_reason = textAt(r, i++);
  c.requested_start = r.get<std::optional<TimePoint>>(i++);
  c.booked_start = r.get<std::optional<TimePoint>>(i++);
  return c;
}

}  // namespace

domain::Call CallStore::write(db::Session& db, const std::optional<std::string>& company,
                              domain::Call call) {
  call.company_id = company.value_or("");
  if (call.id == 0) {
    call.id =
        db.one(
              "INSERT INTO calls (company_id, branch_id, provider, external_id, agent_id, "
              "direction, from_number, to_number, status, started_at_ms, ended_at_ms, "
              "analyzed_at_ms, duration_seconds, disconnection_reason, transcript, summary, "
              "sentiment, analysis_json, cost_minor, cost_currency, cost_usd_cents, customer_id, "
              "customer_name, appointment_id, flagged, flag_reason, requested_start_ms, "
              "booked_start_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
              "$14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28) "
              "RETURNING id",
              nullIfEmpty(call.company_id), nullIfEmpty(call.branch_id), call.ref.provider,
              call.ref.id, call.agent_id, call.direction, call.from_number, call.to_number,
              call.status, call.started_at, call.ended_at, call.analyzed_at, call.duration_seconds,
              call.disconnection_reason, call.transcript, call.summary, call.sentiment,
              call.analysis_json, call.cost.minor, call.cost.currency, call.cost_usd.minor,
              call.customer_id, call.customer_name, call.appointment_id, call.flagged,
              call.flag_reason, call.requested_start, call.booked_start)
            ->get<std::int64_t>(0);
    return call;
  }
  // company_id IS NOT DISTINCT FROM works on both backends only as a pair of tests:
  requireUpdated(
      db.execute("UPDATE calls SET branch_id = $1, agent_id = $2, direction = $3, "
                 "from_number = $4, to_number = $5, status = $6, started_at_ms = $7, "
                 "ended_at_ms = $8, analyzed_at_ms = $9, duration_seconds = $10, "
                 "disconnection_reason = $11, transcript = $12, summary = $13, "
                 "sentiment = $14, analysis_json = $15, cost_minor = $16, "
                 "cost_currency = $17, cost_usd_cents = $18, customer_id = $19, "
                 "customer_name = $20, appointment_id = $21, flagged = $22, flag_reason = $23, "
                 "requested_start_ms = $24, booked_start_ms = $25 "
                 "WHERE id = $26 AND (($27 = 1 AND company_id IS NULL) OR company_id = $28)",
                 nullIfEmpty(call.branch_id), call.agent_id, call.direction, call.from_number,
                 call.to_number, call.status, call.started_at, call.ended_at, call.analyzed_at,
                 call.duration_seconds, call.disconnection_reason, call.transcript, call.summary,
                 call.sentiment, call.analysis_json, call.cost.minor, call.cost.currency,
                 call.cost_usd.minor, call.customer_id, call.customer_name, call.appointment_id,
                 call.flagged, call.flag_reason, call.requested_start, call.booked_start, call.id,
                 company.has_value() ? 0 : 1, call.company_id),
      "call", call.id, call.company_id.empty() ? "(unassigned)" : call.company_id);
  return call;
}

domain::Call CallStore::save(db::Session& db, const domain::CompanyId& c, domain::Call call) {
  requireCompany(c);
  return write(db, c, std::move(call));
}

domain::Call CallStore::adminSaveUnassigned(db::Session& db, domain::Call call) {
  call.flagged = true;
  if (call.flag_reason.empty()) call.flag_reason = "the dialled number belongs to no company";
  call.branch_id.clear();
  return write(db, std::nullopt, std::move(call));
}

// A call read by id or by its provider's id is usually saved whole afterwards (the calls
// feature's reports, the booking's link): on PostgreSQL the row is locked, so two such
// transactions take turns instead of the later one writing back what the other changed.
std::optional<domain::Call> CallStore::get(db::Session& db, const domain::CompanyId& c,
                                           std::int64_t id) {
  return first(query<domain::Call>(db,
                                   std::string("SELECT ") + kCallColumns +
                                       " FROM calls WHERE company_id = $1 AND id = $2" +
                                       db.forUpdate(),
                                   callFrom, c, id));
}

std::optional<domain::Call> CallStore::byRef(db::Session& db, const domain::CompanyId& c,
                                             const domain::ExternalRef& ref) {
  return first(query<domain::Call>(
      db,
      std::string("SELECT ") + kCallColumns +
          " FROM calls WHERE company_id = $1 AND provider = $2 AND external_id = $3",
      callFrom, c, ref.provider, ref.id));
}

std::optional<domain::Call> CallStore::adminByRef(db::Session& db, const domain::ExternalRef& ref) {
  return first(query<domain::Call>(db,
                                   std::string("SELECT ") + kCallColumns +
                                       " FROM calls WHERE provider = $1 AND external_id = $2" +
                                       db.forUpdate(),
                                   callFrom, ref.provider, ref.id));
}

std::vector<domain::Call> CallStore::between(db::Session& db, const domain::CompanyId& c,
                                             TimePoint from, TimePoint to) {
  const std::int64_t a = toMs(from), b = toMs(to);
  return query<domain::Call>(db,
                             std::string("SELECT ") + kCallColumns +
                                 " FROM calls WHERE company_id = $1 AND started_at_ms >= $2 AND "
                                 "started_at_ms < $3 ORDER BY started_at_ms, id",
                             callFrom, c, a, b);
}

std::vector<domain::Call> CallStore::adminUnassigned(db::Session& db, int limit) {
  return query<domain::Call>(db,
                             std::string("SELECT ") + kCallColumns +
                                 " FROM calls WHERE company_id IS NULL ORDER BY id DESC LIMIT $1",
                             callFrom, limit);
}

std::int64_t CallStore::adminUnassignedSince(db::Session& db, TimePoint since) {
  return db
      .one(
          "SELECT COUNT(*) FROM calls WHERE company_id IS NULL AND (started_at_ms >= $1 OR "
          "(started_at_ms IS NULL AND ended_at_ms >= $1))",
          since)
      ->get<std::int64_t>(0);
}

// ---- appointments ----
namespace {

constexpr const char* kAppointmentColumns =
    ("id, company_id, branch_id, service_id, staff_id, customer_id, call_id, starts_at_ms, "
     "ends_at_ms, status, calcom_booking_id, calcom_booking_uid, composite_group, source, "
     "requested_start_ms");

domain::Appointment appointmentFrom(const db::Row& r) {
  domain::Appointment a;
  a.id = int64At(r, 0);
  a.company_id = textAt(r, 1);
  a.branch_id = textAt(r, 2);
  a.service_id = textAt(r, 3);
  a.staff_id = textAt(r, 4);
  a.customer_id = r.get<std::optional<std::int64_t>>(5);
  a.call_id = r.get<std::optional<std::int64_t>>(6);
  a.starts_at = fromMs(int64At(r, 7));
  a.ends_at = fromMs(int64At(r, 8));
  a.status = textAt(r, 9);
  a.calcom_booking_id = r.get<std::optional<std::int64_t>>(10);
  a.calcom_booking_uid = textAt(r, 11);
  a.composite_group = textAt(r, 12);
  a.source = textAt(r, 13);
  a.requested_start = r.get<std::optional<TimePoint>>(14);
  return a;
}

}  // namespace

domain::Appointment AppointmentStore::save(db::Session& db, const domain::CompanyId& c,
                                           domain::Appointment a) {
  requireCompany(c);
  a.company_id = c;
  if (a.id == 0) {
    a.id = db.one(
                 "INSERT INTO appointments (company_id, branch_id, service_id, staff_id, "
                 "customer_id, call_id, starts_at_ms, ends_at_ms, status, calcom_booking_id, "
                 "calcom_booking_uid, composite_group, source, requested_start_ms) VALUES ($1, "
                 "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
                 c, a.branch_id, a.service_id, nullIfEmpty(a.staff_id), a.customer_id, a.call_id,
                 a.starts_at, a.ends_at, a.status, a.calcom_booking_id,
                 nullIfEmpty(a.calcom_booking_uid), a.composite_group, a.source, a.requested_start)
               ->get<std::int64_t>(0);
    return a;
  }
  requireUpdated(
      db.execute("UPDATE appointments SET branch_id = $1, service_id = $2, staff_id = $3, "
                 "customer_id = $4, call_id = $5, starts_at_ms = $6, ends_at_ms = $7, "
                 "status = $8, calcom_booking_id = $9, calcom_booking_uid = $10, "
                 "composite_group = $11, source = $12, requested_start_ms = $13 "
                 "WHERE id = $14 AND company_id = $15",
                 a.branch_id, a.service_id, nullIfEmpty(a.staff_id), a.customer_id, a.call_id,
                 a.starts_at, a.ends_at, a.status, a.calcom_booking_id,
                 nullIfEmpty(a.calcom_booking_uid), a.composite_group, a.source, a.requested_start,
                 a.id, c),
      "appointment", a.id, c);
  return a;
}

std::optional<domain::Appointment> AppointmentStore::get(db::Session& db,
                                                         const domain::CompanyId& c,
                                                         std::int64_t id) {
  return first(query<domain::Appointment>(
      db,
      std::string("SELECT ") + kAppointmentColumns +
          " FROM appointments WHERE company_id = $1 AND id = $2" + db.forUpdate(),
      appointmentFrom, c, id));
}

std::optional<domain::Appointment> AppointmentStore::byCalcomUid(db::Session& db,
                                                                 const domain::CompanyId& c,
                                                                 const std::string& uid) {
  return first(query<domain::Appointment>(
      db,
      std::string("SELECT ") + kAppointmentColumns +
          " FROM appointments WHERE company_id = $1 AND calcom_booking_uid = $2" + db.forUpdate(),
      appointmentFrom, c, uid));
}

std::vector<domain::Appointment> AppointmentStore::forCustomer(db::Session& db,
                                                               const domain::CompanyId& c,
                                                               std::int64_t customer_id) {
  return query<domain::Appointment>(db,
                                    std::string("SELECT ") + kAppointmentColumns +
                                        " FROM appointments WHERE company_id = $1 AND customer_id "
                                        "= $2 ORDER BY starts_at_ms, id",
                                    appointmentFrom, c, customer_id);
}

std::vector<domain::Appointment> AppointmentStore::forBranch(db::Session& db,
                                                             const domain::CompanyId& c,
                                                             const std::string& branch_id,
                                                             TimePoint from, TimePoint to) {
  const std::int64_t a = toMs(from), b = toMs(to);
  return query<domain::Appointment>(
      db,
      std::string("SELECT ") + kAppointmentColumns +
          " FROM appointments WHERE company_id = $1 AND branch_id = $2 AND starts_at_ms >= $3 "
          "AND starts_at_ms < $4 ORDER BY starts_at_ms, id",
      appointmentFrom, c, branch_id, a, b);
}

}  // namespace directory
