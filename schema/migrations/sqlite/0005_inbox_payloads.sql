-- The body and kept headers in a table of their own, written once when the item is stored.
-- An inbox row changes state two or three times (claimed, done or failed); with its ~2 KB body
-- inline, each change rewrote a whole page per row to the WAL, and the checkpoint copied it
-- again. Without the body ~40 rows share a page, and a batch's claim or finish writes a few.
CREATE TABLE inbox_payloads (
  id INTEGER PRIMARY KEY REFERENCES inbox (id) ON DELETE CASCADE,
  payload TEXT NOT NULL,             -- the raw body, as received
  headers TEXT NOT NULL DEFAULT '[]' -- JSON [[name, value], ...] the plugin asked to keep
);
INSERT INTO inbox_payloads (id, payload, headers) SELECT id, payload, headers FROM inbox;
ALTER TABLE inbox DROP COLUMN payload;
ALTER TABLE inbox DROP COLUMN headers;
