-- Lanes: a job that calls an upstream is claimed only by the workers of its own lane
-- ("<plugin>.<job type>"), never by the workers that take webhooks, events and other jobs
-- (lane ''), so a hung upstream holds at most its lane's workers. Claims read one lane's due
-- rows in order.
ALTER TABLE inbox ADD COLUMN lane TEXT NOT NULL DEFAULT '';
DROP INDEX inbox_due;
CREATE INDEX inbox_due ON inbox (lane, run_at_ms, id) WHERE state IN ('pending', 'running');
