-- Versions on every record a person edits (issue 11): a save based on an older version
-- is refused with what changed, by whom and when, instead of silently overwriting.
-- (Tender records have theirs from 060; saved scenarios already number their versions.)
ALTER TABLE organisations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE organisations ADD COLUMN updated_by TEXT;

ALTER TABLE actions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE actions ADD COLUMN updated_by TEXT;
ALTER TABLE actions ADD COLUMN updated_at TEXT;

ALTER TABLE indicators ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE indicators ADD COLUMN updated_by TEXT;
ALTER TABLE indicators ADD COLUMN updated_at TEXT;

ALTER TABLE observations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

ALTER TABLE assessments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
