-- The outbox: one row per message we decided to send (a customer SMS, an admin alert), under
-- its idempotency key (event + recipient + template). A replayed event finds its row and sends
-- nothing; the row follows the message to its delivery.
CREATE TABLE notification_messages (
  message_key TEXT PRIMARY KEY,
  company_id TEXT NOT NULL,          -- '' for the operations chat only
  channel TEXT NOT NULL,             -- sms | admin
  recipient TEXT NOT NULL,           -- E.164, or the alert's group key
  template TEXT NOT NULL,            -- the message kind
  language TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  time_zone TEXT NOT NULL DEFAULT '',  -- the branch's: quiet hours are local
  status TEXT NOT NULL,              -- pending | queued | sending | sent | delivered | undelivered | failed | skipped
  provider_ref TEXT NOT NULL DEFAULT '',
  error_code TEXT NOT NULL DEFAULT '',
  price_minor BIGINT,
  price_currency TEXT,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE INDEX notification_messages_ref ON notification_messages (provider_ref);
CREATE INDEX notification_messages_company ON notification_messages (company_id, created_at_ms);

-- Numbers that answered STOP (or that the provider reports opted out): never texted again,
-- until they answer START.
CREATE TABLE notification_optouts (
  phone TEXT PRIMARY KEY,
  company_id TEXT NOT NULL DEFAULT '',
  opted_out_at_ms BIGINT NOT NULL
);

-- Alert stories: an outage's opening and its end, a repeated problem's window.
CREATE TABLE alert_groups (
  group_key TEXT PRIMARY KEY,
  company_id TEXT NOT NULL,
  state TEXT NOT NULL,               -- open | resolved | told
  title TEXT NOT NULL,
  opened_at_ms BIGINT NOT NULL,
  alerted_at_ms BIGINT NOT NULL,
  occurrences BIGINT NOT NULL,       -- since it was last told
  acked_by TEXT NOT NULL DEFAULT '',
  acked_at_ms BIGINT
);
