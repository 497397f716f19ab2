-- PostgreSQL twin of models/sql/110_retention.sql.
ALTER TABLE tenders ADD COLUMN anonymised_at TEXT;
