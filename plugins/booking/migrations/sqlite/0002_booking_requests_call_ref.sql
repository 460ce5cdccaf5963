-- The call a request came from (<provider>:<call id>), for every kind of request: a call that
-- booked while the caller was on the line is not booked again from its post-call report.
ALTER TABLE booking_requests ADD COLUMN call_ref TEXT NOT NULL DEFAULT '';
CREATE INDEX booking_requests_call ON booking_requests (call_ref);
