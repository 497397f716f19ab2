-- PostgreSQL twin of models/sql/061_versions.sql.
ALTER TABLE organisations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE organisations ADD COLUMN updated_by TEXT;

ALTER TABLE actions ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE actions ADD COLUMN updated_by TEXT;
ALTER TABLE actions ADD COLUMN updated_at TEXT;

ALTER TABLE indicators ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE indicators ADD COLUMN updated_by TEXT;
ALTER TABLE indicators ADD COLUMN updated_at TEXT;

ALTER TABLE observations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

ALTER TABLE assessments ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
