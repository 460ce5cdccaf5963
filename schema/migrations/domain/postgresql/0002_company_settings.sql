-- Company.settings: free-form options from the catalog, a JSON object of strings.
ALTER TABLE companies ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
