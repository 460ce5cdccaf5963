-- The domain: tenants' catalog (written by the directory plugin from YAML) and what happens to
-- them (customers, calls, appointments, billing). Every tenant row carries company_id; composite
-- foreign keys keep a row's references inside its own company. Times are UTC milliseconds since
-- the epoch; money is integer minor units beside its ISO 4217 currency; booleans are 0/1.
-- Catalog rows are deactivated, never deleted, so history keeps its references.
CREATE TABLE companies (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  currency TEXT NOT NULL,
  language TEXT NOT NULL,
  billing_type TEXT NOT NULL,
  pricing_plan TEXT NOT NULL DEFAULT '',
  calcom_team_id BIGINT,
  retell_agent_id TEXT NOT NULL DEFAULT '',
  telegram_chat_id TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  updated_at_ms BIGINT NOT NULL
);
CREATE TABLE company_secrets (
  company_id TEXT NOT NULL REFERENCES companies (id),
  name TEXT NOT NULL,                 -- e.g. calcom.api_key
  sealed TEXT NOT NULL,               -- base64(AES-256-GCM nonce || ciphertext || tag)
  PRIMARY KEY (company_id, name)
);
CREATE TABLE branches (
  company_id TEXT NOT NULL REFERENCES companies (id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  timezone TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (company_id, id)
);
CREATE TABLE phone_numbers (
  e164 TEXT PRIMARY KEY,              -- a number belongs to one branch
  company_id TEXT NOT NULL,
  branch_id TEXT NOT NULL,
  retell_agent_id TEXT NOT NULL DEFAULT '',
  is_primary INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  FOREIGN KEY (company_id, branch_id) REFERENCES branches (company_id, id)
);
CREATE INDEX phone_numbers_company ON phone_numbers (company_id);
CREATE TABLE working_hours (
  company_id TEXT NOT NULL,
  branch_id TEXT NOT NULL,
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
  start_minute INTEGER NOT NULL,
  end_minute INTEGER NOT NULL,
  PRIMARY KEY (company_id, branch_id, weekday, start_minute),
  FOREIGN KEY (company_id, branch_id) REFERENCES branches (company_id, id)
);
CREATE TABLE services (
  company_id TEXT NOT NULL REFERENCES companies (id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  duration_minutes INTEGER NOT NULL,
  price_minor BIGINT NOT NULL,
  currency TEXT NOT NULL,
  calcom_event_type_id BIGINT,
  active INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (company_id, id)
);
CREATE TABLE service_segments (
  company_id TEXT NOT NULL,
  service_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  duration_minutes INTEGER NOT NULL,
  staff_busy INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (company_id, service_id, position),
  FOREIGN KEY (company_id, service_id) REFERENCES services (company_id, id)
);
CREATE TABLE service_branches (
  company_id TEXT NOT NULL,
  service_id TEXT NOT NULL,
  branch_id TEXT NOT NULL,
  PRIMARY KEY (company_id, service_id, branch_id),
  FOREIGN KEY (company_id, service_id) REFERENCES services (company_id, id),
  FOREIGN KEY (company_id, branch_id) REFERENCES branches (company_id, id)
);
CREATE TABLE staff (
  company_id TEXT NOT NULL REFERENCES companies (id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (company_id, id)
);
CREATE TABLE staff_branches (
  company_id TEXT NOT NULL,
  staff_id TEXT NOT NULL,
  branch_id TEXT NOT NULL,
  PRIMARY KEY (company_id, staff_id, branch_id),
  FOREIGN KEY (company_id, staff_id) REFERENCES staff (company_id, id),
  FOREIGN KEY (company_id, branch_id) REFERENCES branches (company_id, id)
);
CREATE TABLE service_staff (
  company_id TEXT NOT NULL,
  service_id TEXT NOT NULL,
  staff_id TEXT NOT NULL,
  PRIMARY KEY (company_id, service_id, staff_id),
  FOREIGN KEY (company_id, service_id) REFERENCES services (company_id, id),
  FOREIGN KEY (company_id, staff_id) REFERENCES staff (company_id, id)
);
CREATE TABLE customers (
  id BIGSERIAL PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies (id),
  phone_e164 TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  journey_status TEXT NOT NULL DEFAULT 'new',
  loyalty_tier TEXT NOT NULL DEFAULT '',
  created_at_ms BIGINT NOT NULL,
  UNIQUE (company_id, phone_e164),    -- the caller lookup
  UNIQUE (company_id, id)             -- target of same-company references
);
CREATE TABLE calls (
  id BIGSERIAL PRIMARY KEY,
  company_id TEXT REFERENCES companies (id),   -- NULL: the dialled number is nobody's
  branch_id TEXT,
  retell_call_id TEXT NOT NULL UNIQUE,
  from_number TEXT NOT NULL DEFAULT '',
  to_number TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'registered',
  started_at_ms BIGINT,
  ended_at_ms BIGINT,
  duration_seconds INTEGER NOT NULL DEFAULT 0,
  transcript TEXT NOT NULL DEFAULT '',
  analysis_json TEXT NOT NULL DEFAULT '',
  cost_minor BIGINT NOT NULL DEFAULT 0,
  cost_currency TEXT NOT NULL DEFAULT '',
  cost_usd_cents BIGINT NOT NULL DEFAULT 0,
  customer_id BIGINT,
  customer_name TEXT NOT NULL DEFAULT '',
  appointment_id BIGINT,
  flagged INTEGER NOT NULL DEFAULT 0,
  flag_reason TEXT NOT NULL DEFAULT '',
  UNIQUE (company_id, id),
  FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id)
);
CREATE INDEX calls_company_time ON calls (company_id, started_at_ms);
CREATE TABLE appointments (
  id BIGSERIAL PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies (id),
  branch_id TEXT NOT NULL,
  service_id TEXT NOT NULL,
  staff_id TEXT,
  customer_id BIGINT,
  call_id BIGINT,
  starts_at_ms BIGINT NOT NULL,
  ends_at_ms BIGINT NOT NULL,
  status TEXT NOT NULL DEFAULT 'booked',
  calcom_booking_id BIGINT,
  calcom_booking_uid TEXT UNIQUE,     -- NULL until Cal.com confirms
  composite_group TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT 'phone',
  FOREIGN KEY (company_id, branch_id) REFERENCES branches (company_id, id),
  FOREIGN KEY (company_id, service_id) REFERENCES services (company_id, id),
  FOREIGN KEY (company_id, staff_id) REFERENCES staff (company_id, id),
  FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
  FOREIGN KEY (company_id, call_id) REFERENCES calls (company_id, id)
);
CREATE INDEX appointments_branch_start ON appointments (company_id, branch_id, starts_at_ms);
CREATE TABLE platform_costs (
  id BIGSERIAL PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies (id),
  call_id BIGINT,
  platform TEXT NOT NULL,
  amount_minor BIGINT NOT NULL,
  currency TEXT NOT NULL,
  incurred_at_ms BIGINT NOT NULL,
  FOREIGN KEY (company_id, call_id) REFERENCES calls (company_id, id)
);
CREATE INDEX platform_costs_call ON platform_costs (company_id, call_id);
CREATE TABLE exchange_rates (
  base TEXT NOT NULL,
  quote TEXT NOT NULL,
  date TEXT NOT NULL,                 -- YYYY-MM-DD of the publication
  rate_micros BIGINT NOT NULL,
  source TEXT NOT NULL,
  PRIMARY KEY (base, quote, date)
);
CREATE TABLE pricing_plans (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  currency TEXT NOT NULL,
  per_minute_minor BIGINT NOT NULL,
  monthly_fee_minor BIGINT NOT NULL
);
CREATE TABLE transactions (
  id BIGSERIAL PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies (id),
  kind TEXT NOT NULL,
  amount_minor BIGINT NOT NULL,
  currency TEXT NOT NULL,
  reference TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  UNIQUE (company_id, reference)
);
CREATE TABLE invoices (
  id BIGSERIAL PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies (id),
  number TEXT NOT NULL UNIQUE,
  period_start TEXT NOT NULL,
  period_end TEXT NOT NULL,
  total_minor BIGINT NOT NULL,
  currency TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'draft',
  issued_at_ms BIGINT
);
CREATE INDEX invoices_company ON invoices (company_id);
CREATE TABLE balance_topups (
  id BIGSERIAL PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies (id),
  amount_minor BIGINT NOT NULL,
  currency TEXT NOT NULL,
  stripe_session_id TEXT UNIQUE,
  status TEXT NOT NULL DEFAULT 'pending',
  created_at_ms BIGINT NOT NULL,
  completed_at_ms BIGINT
);
