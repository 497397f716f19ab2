-- PostgreSQL twin of models/sql/003_spend_explorer_index.sql: the same indexes (the
-- planner choices they were made for are SQLite's; PostgreSQL can use them too).
DROP INDEX IF EXISTS idx_spend_explorer;
DROP INDEX IF EXISTS idx_spend_year;
DROP INDEX IF EXISTS idx_spend_authority;
DROP INDEX IF EXISTS idx_spend_department;
CREATE INDEX IF NOT EXISTS idx_spend_cube ON spend(
    third_sector, body_type, authority, department, funding_type, district, financial_year, amount_pence);
CREATE INDEX IF NOT EXISTS idx_spend_years ON spend(third_sector, financial_year);
CREATE INDEX IF NOT EXISTS idx_spend_authorities ON spend(third_sector, authority);
CREATE INDEX IF NOT EXISTS idx_spend_departments ON spend(third_sector, department);
CREATE INDEX IF NOT EXISTS idx_spend_funding_types ON spend(third_sector, funding_type);
