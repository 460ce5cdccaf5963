CREATE TABLE acme_parcels (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  confirmation TEXT
);
