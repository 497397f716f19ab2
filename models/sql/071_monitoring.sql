-- Monitoring (issue 16): each agreement's KPIs and social-value commitments with a target
-- per period, its reporting periods with the date each return is due, and what was
-- delivered each period with the evidence. Proxies in pence per unit.

CREATE TABLE IF NOT EXISTS monitoring_measures (
    id INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('kpi', 'social_value')),
    name TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL DEFAULT 'higher' CHECK (direction IN ('higher', 'lower')),
    target_per_period REAL NOT NULL CHECK (target_per_period >= 0),
    proxy_pence INTEGER CHECK (proxy_pence IS NULL OR proxy_pence >= 0),   -- social value: £ per unit
    proxy_source TEXT NOT NULL DEFAULT '',
    deadweight REAL NOT NULL DEFAULT 0 CHECK (deadweight BETWEEN 0 AND 1),
    displacement REAL NOT NULL DEFAULT 0 CHECK (displacement BETWEEN 0 AND 1),
    attribution REAL NOT NULL DEFAULT 0 CHECK (attribution BETWEEN 0 AND 1),
    source TEXT NOT NULL,                      -- where the measure and target came from
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (agreement_id, name)
);

CREATE TABLE IF NOT EXISTS monitoring_periods (
    id INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    due_date TEXT NOT NULL,                    -- the return is due by this day
    UNIQUE (agreement_id, number)
);

CREATE TABLE IF NOT EXISTS monitoring_returns (
    id INTEGER PRIMARY KEY,
    measure_id INTEGER NOT NULL REFERENCES monitoring_measures(id) ON DELETE CASCADE,
    period_id INTEGER NOT NULL REFERENCES monitoring_periods(id) ON DELETE CASCADE,
    delivered REAL NOT NULL CHECK (delivered >= 0),
    evidence TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (measure_id, period_id)
);
CREATE INDEX IF NOT EXISTS idx_monitoring_returns_period ON monitoring_returns(period_id);
