-- The order a consultation's participants were entered in (issue 20): the log lists them as
-- the officer typed them, on SQLite and PostgreSQL alike (PostgreSQL has no rowid).
ALTER TABLE consultation_participants ADD COLUMN entry_order BIGINT NOT NULL DEFAULT 0;
