-- PostgreSQL twin of models/sql/031_action_plan.sql.
CREATE TABLE IF NOT EXISTS actions (
    action_id TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    stream TEXT NOT NULL CHECK (stream IN ('Inform', 'Consult', 'Involve', 'Devolve')),
    side TEXT NOT NULL CHECK (side IN ('Council', 'Sector')),
    need TEXT NOT NULL,
    proposal TEXT NOT NULL,
    achieve TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    due_date TEXT,
    status TEXT NOT NULL DEFAULT 'Not started'
        CHECK (status IN ('Not started', 'In progress', 'Done', 'On hold', 'Dropped')),
    notes TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS action_outcomes (
    action_id TEXT NOT NULL REFERENCES actions(action_id),
    outcome_id TEXT NOT NULL REFERENCES outcomes(outcome_id),
    PRIMARY KEY (action_id, outcome_id)
);
