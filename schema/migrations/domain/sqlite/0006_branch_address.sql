-- A branch's street address, for what customers are told (notifications' {address}).
ALTER TABLE branches ADD COLUMN address TEXT NOT NULL DEFAULT '';
