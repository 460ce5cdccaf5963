-- One row per booking request (a call's, or a live tool call's): the idempotency key the
-- booking job runs under, what was asked, and what came of it. A second request with the same
-- key finds this row and books nothing.
CREATE TABLE booking_requests (
  request_key TEXT PRIMARY KEY,      -- call:<provider>:<call id>
  company_id TEXT NOT NULL,
  branch_id TEXT NOT NULL,
  service_id TEXT NOT NULL,
  call_id BIGINT,
  customer_id BIGINT,
  requested_start_ms BIGINT NOT NULL,
  requested_local TEXT NOT NULL,     -- in the branch's zone, as the caller said it
  time_zone TEXT NOT NULL,
  status TEXT NOT NULL,              -- pending | booked | alternative_booked | offered | failed
  booked_start_ms BIGINT,
  reason TEXT NOT NULL DEFAULT '',
  offered TEXT NOT NULL DEFAULT '[]', -- JSON array of UTC times
  appointment_id BIGINT,
  booking_uid TEXT,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE INDEX booking_requests_company ON booking_requests (company_id, created_at_ms);
