-- Saved scenarios of the engines (tender, sroi, cost_recovery, ...), as the same JSON
-- the command line reads. Saving under an existing name keeps the old one as a version.
CREATE TABLE IF NOT EXISTS scenarios (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    body_json TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    saved_by TEXT,
    UNIQUE (kind, name, version)
);
CREATE INDEX IF NOT EXISTS idx_scenarios_kind ON scenarios(kind, name);
