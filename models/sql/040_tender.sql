-- Tender evaluations (issue 6). A tender's set-up (criteria and bids: prices, pass/fail
-- results, social value quantities) is the scenario JSON without the evaluators' scores;
-- scores and agreed (moderated) scores are rows, so every change is one audited write.
CREATE TABLE IF NOT EXISTS tenders (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    setup_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    locked_at TEXT,                        -- set when the first score is recorded
    locked_by TEXT
);

CREATE TABLE IF NOT EXISTS tender_scores (
    id INTEGER PRIMARY KEY,
    tender_id INTEGER NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
    bidder TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    evaluator TEXT NOT NULL,
    score REAL NOT NULL,
    reason TEXT NOT NULL,
    scored_at TEXT NOT NULL,
    UNIQUE (tender_id, bidder, criterion_id, evaluator)
);
CREATE INDEX IF NOT EXISTS idx_tender_scores_tender ON tender_scores(tender_id);

CREATE TABLE IF NOT EXISTS tender_moderations (
    id INTEGER PRIMARY KEY,
    tender_id INTEGER NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
    bidder TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    score REAL NOT NULL,
    reason TEXT NOT NULL,
    moderated_by TEXT NOT NULL,
    moderated_at TEXT NOT NULL,
    UNIQUE (tender_id, bidder, criterion_id)
);
CREATE INDEX IF NOT EXISTS idx_tender_moderations_tender ON tender_moderations(tender_id);
