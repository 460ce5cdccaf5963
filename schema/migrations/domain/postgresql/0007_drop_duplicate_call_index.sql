-- calls_unassigned (0003) repeated the index of UNIQUE (company_id, id), which already serves
-- "WHERE company_id IS NULL ORDER BY id DESC": one index fewer to write per call.
DROP INDEX calls_unassigned;
