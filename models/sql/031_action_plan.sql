-- The framework's Inform / Consult / Involve / Devolve proposals as an action plan.

CREATE TABLE IF NOT EXISTS actions (
    action_id TEXT PRIMARY KEY,           -- 'INF-C1': stream, Council (C) or sector (S), number
    position INTEGER NOT NULL,
    stream TEXT NOT NULL CHECK (stream IN ('Inform', 'Consult', 'Involve', 'Devolve')),
    side TEXT NOT NULL CHECK (side IN ('Council', 'Sector')),
    need TEXT NOT NULL,                   -- 'The Council will need' / 'The sector will need'
    proposal TEXT NOT NULL,
    achieve TEXT NOT NULL,                -- 'What we are trying to achieve'
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
