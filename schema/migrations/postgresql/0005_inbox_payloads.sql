-- The body and kept headers in a table of their own, written once when the item is stored.
-- An inbox row changes state two or three times (claimed, done or failed); with the body inline
-- (TOASTed only past ~2 KB) each change copied it into a new row version and the WAL.
CREATE TABLE inbox_payloads (
  id BIGINT PRIMARY KEY REFERENCES inbox (id) ON DELETE CASCADE,
  payload TEXT NOT NULL,             -- the raw body, as received
  headers TEXT NOT NULL DEFAULT '[]' -- JSON [[name, value], ...] the plugin asked to keep
);
INSERT INTO inbox_payloads (id, payload, headers) SELECT id, payload, headers FROM inbox;
ALTER TABLE inbox DROP COLUMN payload, DROP COLUMN headers;
