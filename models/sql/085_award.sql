-- The award (issue 17): lots, the award and standstill state, and the clarification log.

-- A procurement groups tenders as its lots: each lot is a tender record of its own, so it
-- keeps its own bids, scores and winner and is scored exactly as any tender.
CREATE TABLE IF NOT EXISTS procurements (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    reference TEXT NOT NULL DEFAULT '',      -- the council's reference (used in the OCDS ocid)
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS tender_lots (
    tender_id INTEGER PRIMARY KEY REFERENCES tenders(id) ON DELETE CASCADE,
    procurement_id INTEGER NOT NULL REFERENCES procurements(id) ON DELETE CASCADE,
    lot_number INTEGER NOT NULL CHECK (lot_number >= 1),
    title TEXT NOT NULL,
    UNIQUE (procurement_id, lot_number)
);
CREATE INDEX IF NOT EXISTS idx_tender_lots_procurement ON tender_lots(procurement_id);

-- One row per tender once its award pack is issued. Dates are ISO dates (Europe/London days).
CREATE TABLE IF NOT EXISTS tender_awards (
    tender_id INTEGER PRIMARY KEY REFERENCES tenders(id) ON DELETE CASCADE,
    winner TEXT NOT NULL,
    value_pence INTEGER NOT NULL,
    buyer TEXT NOT NULL,
    buyer_id TEXT NOT NULL,
    pack_issued_at TEXT NOT NULL,
    pack_issued_by TEXT NOT NULL,
    pack_sha256 TEXT NOT NULL,               -- of the scenario the pack was issued from
    notice_published_on TEXT,                -- the contract award notice: standstill starts
    contract_entered_on TEXT,                -- refused until the standstill has passed
    version INTEGER NOT NULL DEFAULT 1
);

-- Questions bidders asked during the procurement and the answers, shared with every bidder.
CREATE TABLE IF NOT EXISTS tender_clarifications (
    id INTEGER PRIMARY KEY,
    tender_id INTEGER NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    asked_on TEXT NOT NULL,                  -- ISO date
    answered_on TEXT,                        -- ISO date, when the answer was shared
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tender_id, number)
);
CREATE INDEX IF NOT EXISTS idx_tender_clarifications_tender ON tender_clarifications(tender_id);
