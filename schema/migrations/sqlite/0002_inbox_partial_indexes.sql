-- Indexes only over the rows their queries read: workers scan pending/running rows by due time,
-- the retention purge scans done rows by finish time. A new row then touches one index fewer,
-- which the group commit feels on every webhook.
DROP INDEX inbox_due;
DROP INDEX inbox_finished;
CREATE INDEX inbox_due ON inbox (run_at_ms, id) WHERE state IN ('pending', 'running');
CREATE INDEX inbox_finished ON inbox (finished_at_ms) WHERE state = 'done';
