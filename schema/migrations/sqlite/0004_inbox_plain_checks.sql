-- SQLite compiles a CHECK's `x IN ('a', 'b', 'c')` into an ephemeral b-tree built on every row
-- written: two per inbox INSERT and per state change, about a quarter of the group commit's
-- insert. The same constraints as `=` alternatives are plain comparisons. SQLite cannot alter
-- a constraint, so the table is rebuilt (ids, AUTOINCREMENT's sequence and indexes kept).
CREATE TABLE inbox_rebuilt (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind = 'webhook' OR kind = 'job' OR kind = 'event'),
  source TEXT NOT NULL,              -- the plugin instance that owns the item
  handler TEXT NOT NULL,             -- the plugin's durable, job or event handler name
  type TEXT NOT NULL,                -- event type, job type, or event topic
  dedupe_key TEXT NOT NULL,          -- provider event id, job idempotency key, event id
  tenant TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL,             -- the raw body, as received
  headers TEXT NOT NULL DEFAULT '[]',-- JSON [[name, value], ...] the plugin asked to keep
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state = 'pending' OR state = 'running' OR state = 'done' OR state = 'dead'),
  attempts INTEGER NOT NULL DEFAULT 0,
  run_at_ms BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until_ms BIGINT,
  last_error TEXT,
  received_at_ms BIGINT NOT NULL,
  finished_at_ms BIGINT,
  UNIQUE (kind, source, handler, dedupe_key)
);
INSERT INTO inbox_rebuilt (id, kind, source, handler, type, dedupe_key, tenant, payload, headers,
                           state, attempts, run_at_ms, lease_owner, lease_until_ms, last_error,
                           received_at_ms, finished_at_ms)
  SELECT id, kind, source, handler, type, dedupe_key, tenant, payload, headers, state, attempts,
         run_at_ms, lease_owner, lease_until_ms, last_error, received_at_ms, finished_at_ms
  FROM inbox;
-- The old table's sequence may be above its highest id (its newest rows purged): keep it.
UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'inbox'))
  WHERE name = 'inbox_rebuilt';
DROP TABLE inbox;
ALTER TABLE inbox_rebuilt RENAME TO inbox;
CREATE INDEX inbox_due ON inbox (run_at_ms, id) WHERE state IN ('pending', 'running');
CREATE INDEX inbox_finished ON inbox (finished_at_ms) WHERE state = 'done';
