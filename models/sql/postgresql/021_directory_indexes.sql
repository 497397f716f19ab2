-- PostgreSQL twin of models/sql/021_directory_indexes.sql.
CREATE INDEX IF NOT EXISTS idx_org_type ON organisations(org_type);
CREATE INDEX IF NOT EXISTS idx_org_role ON organisations(is_infrastructure, delivers_public_services);
