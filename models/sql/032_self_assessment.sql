-- The commissioning self-assessment: the eight principles and the Appendix 1 challenge
-- questions, and each saved assessment with an answer, a score (0-4) and evidence per item.

CREATE TABLE IF NOT EXISTS assessment_items (
    item_id TEXT PRIMARY KEY,             -- 'P1'..'P8' principles, 'Q1'.. challenge questions
    kind TEXT NOT NULL CHECK (kind IN ('principle', 'question')),
    position INTEGER NOT NULL,
    section TEXT NOT NULL,
    principle_id TEXT NOT NULL,           -- the principle the item counts towards
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT ''         -- how the item was linked to its principle
);

CREATE TABLE IF NOT EXISTS assessments (
    assessment_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    service TEXT NOT NULL DEFAULT '',
    assessed_on TEXT NOT NULL,            -- ISO date
    saved_at TEXT NOT NULL,
    saved_by TEXT,
    UNIQUE (name, assessed_on)
);

CREATE TABLE IF NOT EXISTS assessment_answers (
    assessment_id INTEGER NOT NULL REFERENCES assessments(assessment_id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES assessment_items(item_id),
    answer TEXT NOT NULL DEFAULT '',
    score INTEGER CHECK (score IS NULL OR score BETWEEN 0 AND 4),
    evidence TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, item_id)
);
