-- The framework's six outcomes, their indicators and the observations of each indicator.
-- Values are in the indicator's unit (a percentage as 0-100, or a number). A missing value
-- (NULL) is a figure known to exist but not held, with a note saying where to find it.

CREATE TABLE IF NOT EXISTS outcomes (
    outcome_id TEXT PRIMARY KEY,          -- 'O1' .. 'O6'
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,            -- the document's bullet points, one a line
    source TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS indicators (
    indicator_id TEXT PRIMARY KEY,
    outcome_id TEXT NOT NULL REFERENCES outcomes(outcome_id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    unit TEXT NOT NULL CHECK (unit IN ('%', 'number')),
    direction TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    baseline_value REAL,
    baseline_date TEXT,
    target_value REAL,
    target_date TEXT,
    target_illustrative INTEGER NOT NULL DEFAULT 0 CHECK (target_illustrative IN (0, 1)),
    target_note TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT '',
    comparator TEXT NOT NULL DEFAULT '',  -- e.g. the England figure
    note TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_indicators_outcome ON indicators(outcome_id);

CREATE TABLE IF NOT EXISTS observations (
    id INTEGER PRIMARY KEY,
    indicator_id TEXT NOT NULL REFERENCES indicators(indicator_id),
    observed_on TEXT NOT NULL,            -- ISO date
    value REAL,                           -- NULL: not held (see note)
    illustrative INTEGER NOT NULL DEFAULT 0 CHECK (illustrative IN (0, 1)),
    source TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    seed_key TEXT UNIQUE,                 -- set for seeded rows so seeding is idempotent
    added_at TEXT NOT NULL,
    added_by TEXT
);
CREATE INDEX IF NOT EXISTS idx_observations_indicator ON observations(indicator_id, observed_on);
