-- Sealed evaluation (issue 12): who evaluates a tender, their declarations of interest
-- and how a declared conflict is managed (together: the tender's conflicts record,
-- Procurement Act 2023 ss.81-83), and when moderation opened. Evaluators are named by
-- their key: the lower-case email when sign-in is on, the typed name when it is off.
CREATE TABLE IF NOT EXISTS tender_assignments (
    id INTEGER PRIMARY KEY,
    tender_id INTEGER NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
    evaluator TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    UNIQUE (tender_id, evaluator)
);

-- One declaration per evaluator per tender (a later one replaces it; the audit log keeps
-- every one). A declared conflict blocks the evaluator until `managed_how` is recorded.
CREATE TABLE IF NOT EXISTS tender_declarations (
    id INTEGER PRIMARY KEY,
    tender_id INTEGER NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
    evaluator TEXT NOT NULL,
    has_conflict INTEGER NOT NULL CHECK (has_conflict IN (0, 1)),
    details TEXT NOT NULL DEFAULT '',
    declared_at TEXT NOT NULL,
    declared_by TEXT NOT NULL,
    managed_how TEXT,
    managed_at TEXT,
    managed_by TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tender_id, evaluator)
);

CREATE TABLE IF NOT EXISTS tender_moderation_opened (
    tender_id INTEGER PRIMARY KEY REFERENCES tenders(id) ON DELETE CASCADE,
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL
);
