-- What the calls feature understood of each analysed call and what it decided: booked (a
-- calls.booking_requested went out), review (flagged for a human) or nothing.
CREATE TABLE call_intents (
  call_id BIGINT PRIMARY KEY,
  company_id TEXT NOT NULL,
  kind TEXT NOT NULL,                -- booking | cancellation | price_question | vague | incomplete | none
  decision TEXT NOT NULL,            -- book | review | none
  service_id TEXT,
  staff_id TEXT,
  start_local TEXT,                  -- in the branch's zone
  start_utc_ms BIGINT,
  confidence_permille INTEGER NOT NULL,
  reasons TEXT NOT NULL,             -- JSON array of strings
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX call_intents_company ON call_intents (company_id, created_at_ms);
