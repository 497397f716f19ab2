-- PostgreSQL twin of models/sql/080_boundaries.sql.
CREATE TABLE IF NOT EXISTS boundary_areas (
    area_key TEXT PRIMARY KEY,
    level TEXT NOT NULL CHECK (level IN ('ward', 'former_borough', 'local_authority')),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_code TEXT,
    geometry TEXT NOT NULL,
    points BIGINT NOT NULL,
    source TEXT NOT NULL,
    licence TEXT NOT NULL,
    source_file TEXT,
    import_id BIGINT REFERENCES import_log(id) ON DELETE CASCADE,
    loaded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_boundary_level ON boundary_areas(level, code);
CREATE INDEX IF NOT EXISTS idx_boundary_import ON boundary_areas(import_id);

ALTER TABLE spend ADD COLUMN beneficiary_code TEXT;
ALTER TABLE spend ADD COLUMN recipient_area_code TEXT;
ALTER TABLE spend ADD COLUMN recipient_postcode TEXT;
