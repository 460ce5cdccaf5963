-- The last Retell webhook per company ('' for calls to numbers nobody owns): what the
-- diagnostic reports as "last webhook received and its age".
CREATE TABLE retell_activity (
  company_id TEXT PRIMARY KEY,
  last_event TEXT NOT NULL,
  last_call_id TEXT NOT NULL,
  last_received_at_ms BIGINT NOT NULL
);
