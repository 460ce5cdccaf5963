-- What a call asked for and what it got: "original 14:00, booked 14:30" (UTC ms; NULL when the
-- call booked nothing).
ALTER TABLE calls ADD COLUMN requested_start_ms BIGINT;
ALTER TABLE calls ADD COLUMN booked_start_ms BIGINT;
