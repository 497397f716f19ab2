-- The order a consultation's participants were entered in (issue 20): the log lists them as
-- the officer typed them, on SQLite and PostgreSQL alike (PostgreSQL has no rowid). Rows
-- stored before this migration keep their order.
ALTER TABLE consultation_participants ADD COLUMN entry_order INTEGER NOT NULL DEFAULT 0;
UPDATE consultation_participants SET entry_order = rowid;
