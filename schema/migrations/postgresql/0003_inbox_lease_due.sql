-- Claims now read one range, run_at_ms <= now, for pending and running rows alike: a running
-- row's run_at_ms is its lease's end (see InboxStore::claim). Rows running at the upgrade
-- get that meaning too.
UPDATE inbox SET run_at_ms = lease_until_ms WHERE state = 'running' AND lease_until_ms IS NOT NULL;
