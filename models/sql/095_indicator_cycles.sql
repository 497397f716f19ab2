-- How often each indicator is reported: a latest figure older than one cycle is
-- "out of date", and a target is judged on the figure within one cycle of its date.
ALTER TABLE indicators ADD COLUMN reporting_cycle_months INTEGER NOT NULL DEFAULT 12;

-- Which actions in the action plan serve each indicator (many to many).
CREATE TABLE IF NOT EXISTS indicator_actions (
    indicator_id TEXT NOT NULL REFERENCES indicators(indicator_id) ON DELETE CASCADE,
    action_id TEXT NOT NULL REFERENCES actions(action_id) ON DELETE CASCADE,
    linked_at TEXT NOT NULL,
    linked_by TEXT NOT NULL,
    PRIMARY KEY (indicator_id, action_id)
);
