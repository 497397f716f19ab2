-- PostgreSQL twin of models/sql/095_indicator_cycles.sql.
ALTER TABLE indicators ADD COLUMN reporting_cycle_months BIGINT NOT NULL DEFAULT 12;

CREATE TABLE IF NOT EXISTS indicator_actions (
    indicator_id TEXT NOT NULL REFERENCES indicators(indicator_id) ON DELETE CASCADE,
    action_id TEXT NOT NULL REFERENCES actions(action_id) ON DELETE CASCADE,
    linked_at TEXT NOT NULL,
    linked_by TEXT NOT NULL,
    PRIMARY KEY (indicator_id, action_id)
);
