-- The consultation log (issue 18): each consultation, who was invited and who took part,
-- and the tenders, agreements and action-plan rows it informed. Edited records carry a
-- version (stale saves are refused); every change is in the audit log.

CREATE TABLE IF NOT EXISTS consultations (
    consultation_id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    service TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL,
    start_date TEXT NOT NULL,              -- ISO date, first day open
    end_date TEXT NOT NULL,                -- ISO date, last day open
    method TEXT NOT NULL CHECK (method IN ('Online', 'Workshop', 'Assembly or network', 'Survey')),
    shorter_reason TEXT NOT NULL DEFAULT '',   -- why it is shorter than the Compact's period
    responses INTEGER CHECK (responses IS NULL OR responses >= 0),
    summary TEXT NOT NULL DEFAULT '',
    decision_kind TEXT NOT NULL DEFAULT '' CHECK (decision_kind IN ('', 'Tender', 'Agreement', 'Action')),
    decision TEXT NOT NULL DEFAULT '',     -- the decision it informed, in words
    agreement_ref TEXT NOT NULL DEFAULT '',-- an agreement's id or reference, when it informed one
    feedback_published_on TEXT,            -- ISO date "you said, we did" was published
    feedback_text TEXT NOT NULL DEFAULT '',
    planned_with_toolkit INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (end_date >= start_date),
    CHECK (feedback_published_on IS NULL OR feedback_published_on >= end_date)
);
CREATE INDEX IF NOT EXISTS idx_consultations_department ON consultations(department);

-- Who was invited and who took part: a directory organisation (org_id) or a group described
-- in words (communities not in the directory).
CREATE TABLE IF NOT EXISTS consultation_participants (
    consultation_id INTEGER NOT NULL REFERENCES consultations(consultation_id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('invited', 'took part')),
    org_id TEXT NOT NULL DEFAULT '',
    group_description TEXT NOT NULL DEFAULT '',
    CHECK ((org_id = '') <> (group_description = ''))
);
CREATE INDEX IF NOT EXISTS idx_consultation_participants ON consultation_participants(consultation_id);

-- Tenders a consultation informed, with the date the tender notice was (or will be)
-- published: the "providers consulted before a tender notice" check reads it.
CREATE TABLE IF NOT EXISTS consultation_tenders (
    consultation_id INTEGER NOT NULL REFERENCES consultations(consultation_id) ON DELETE CASCADE,
    tender_id INTEGER NOT NULL,
    tender_notice_on TEXT,
    PRIMARY KEY (consultation_id, tender_id)
);

CREATE TABLE IF NOT EXISTS consultation_actions (
    consultation_id INTEGER NOT NULL REFERENCES consultations(consultation_id) ON DELETE CASCADE,
    action_id TEXT NOT NULL REFERENCES actions(action_id),
    PRIMARY KEY (consultation_id, action_id)
);

-- Funding relationships entered here for the Compact's funding checks (notice before
-- funding ends or is cut; shares multi-year and at full cost), used where the agreements
-- feature has no record. Money in integer pence.
CREATE TABLE IF NOT EXISTS compact_funding (
    funding_id INTEGER PRIMARY KEY,
    provider TEXT NOT NULL,                -- organisation name (or org-id)
    department TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    value_pence INTEGER NOT NULL CHECK (value_pence >= 0),   -- whole term's value
    full_cost INTEGER NOT NULL DEFAULT 0,  -- funded at full cost (overheads included)
    change TEXT NOT NULL DEFAULT 'continues' CHECK (change IN ('continues', 'ends', 'cut')),
    change_on TEXT,                        -- the day funding ends or is cut
    notice_given_on TEXT,                  -- the day written notice was given
    agreement_ref TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (end_date >= start_date)
);
