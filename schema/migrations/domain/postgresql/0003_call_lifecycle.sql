-- A call's whole life as the calls feature records it, provider-neutral: the provider's id
-- (was retell_call_id) beside the provider's name, the agent, how it ended and the analysis.
-- Customers: where their name came from (a person's entry is never overwritten by a guess),
-- and how often they call.
ALTER TABLE calls RENAME COLUMN retell_call_id TO external_id;
ALTER TABLE calls ADD COLUMN provider TEXT NOT NULL DEFAULT 'retell';
ALTER TABLE calls ADD COLUMN agent_id TEXT NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN direction TEXT NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN disconnection_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN summary TEXT NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN sentiment TEXT NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN analyzed_at_ms BIGINT;
CREATE INDEX calls_unassigned ON calls (company_id, id);
ALTER TABLE customers ADD COLUMN name_source TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN call_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN last_call_at_ms BIGINT;
-- The catalog's new fields: the company's country (the region of numbers written without +),
-- whether its Retell integration is on, and other names callers use for a service.
ALTER TABLE companies ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN retell_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE services ADD COLUMN aliases TEXT NOT NULL DEFAULT '';
