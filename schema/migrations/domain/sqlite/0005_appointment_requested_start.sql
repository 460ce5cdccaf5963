-- The time the caller asked for, beside the time booked (an alternative differs from it).
ALTER TABLE appointments ADD COLUMN requested_start_ms BIGINT;
