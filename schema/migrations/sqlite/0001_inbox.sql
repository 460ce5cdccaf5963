-- The durable inbox: webhooks, jobs and async event deliveries, stored before they are
-- acknowledged and processed by workers. Times are UTC milliseconds since the epoch.
CREATE TABLE inbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('webhook', 'job', 'event')),
  source TEXT NOT NULL,              -- the plugin instance that owns the item
  handler TEXT NOT NULL,             -- the plugin's durable, job or event handler name
  type TEXT NOT NULL,                -- event type, job type, or event topic
  dedupe_key TEXT NOT NULL,          -- provider event id, job idempotency key, event id
  tenant TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL,             -- the raw body, as received
  headers TEXT NOT NULL DEFAULT '[]',-- JSON [[name, value], ...] the plugin asked to keep
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  run_at_ms BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until_ms BIGINT,
  last_error TEXT,
  received_at_ms BIGINT NOT NULL,
  finished_at_ms BIGINT,
  UNIQUE (kind, source, handler, dedupe_key)
);
CREATE INDEX inbox_due ON inbox (state, run_at_ms);
CREATE INDEX inbox_finished ON inbox (state, finished_at_ms);
