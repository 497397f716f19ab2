-- Agreements (issue 16): grants, contracts and investment in the sector's capacity, each
-- with its provider (a directory organisation), commissioning body, dates, value per
-- financial year, how it was awarded, its full cost recovery link and the outcomes it
-- serves. Money is integer pence. An agreement a person edits carries a version.

CREATE TABLE IF NOT EXISTS agreements (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,            -- 'AG-0001'
    title TEXT NOT NULL,
    agreement_type TEXT NOT NULL CHECK (agreement_type IN ('grant', 'contract', 'capacity')),
    provider_org_id TEXT NOT NULL,             -- the directory organisation's org-id
    provider_name TEXT NOT NULL,               -- its name when the agreement was made
    body TEXT NOT NULL,                        -- commissioning body
    department TEXT NOT NULL DEFAULT '',
    start_date TEXT NOT NULL,                  -- ISO dates
    end_date TEXT NOT NULL,
    award_route TEXT NOT NULL CHECK (award_route IN ('tender', 'grant_round', 'direct_award')),
    award_detail TEXT NOT NULL DEFAULT '',     -- the grant round, or why a direct award
    tender_id INTEGER,                         -- the tender in this app it came from
    tender_name TEXT,
    tender_bidder TEXT,                        -- the bidder's name in that tender
    costing_name TEXT,                         -- a saved full cost recovery costing
    costing_project TEXT,                      -- the project in it this agreement pays for
    reporting TEXT NOT NULL CHECK (reporting IN ('quarterly', 'six-monthly', 'annual')),
    notes TEXT NOT NULL DEFAULT '',
    links_json TEXT NOT NULL DEFAULT '[]',     -- documents: links only, no uploads
    origin TEXT NOT NULL CHECK (origin IN ('tender', 'spend', 'hand')),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (end_date >= start_date)
);
CREATE INDEX IF NOT EXISTS idx_agreements_provider ON agreements(provider_org_id);
CREATE INDEX IF NOT EXISTS idx_agreements_tender ON agreements(tender_id);

CREATE TABLE IF NOT EXISTS agreement_values (
    agreement_id INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    financial_year TEXT NOT NULL,              -- '2027/28'
    amount_pence INTEGER NOT NULL CHECK (amount_pence >= 0),
    PRIMARY KEY (agreement_id, financial_year)
);

-- The outcomes (and, where named, the indicators) an agreement serves. indicator_id ''
-- means the outcome as a whole.
CREATE TABLE IF NOT EXISTS agreement_outcomes (
    agreement_id INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
    outcome_id TEXT NOT NULL REFERENCES outcomes(outcome_id),
    indicator_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (agreement_id, outcome_id, indicator_id)
);

-- Imported payments grouped into an agreement (confirmed by an officer). A payment
-- belongs to at most one agreement; removing its import removes the link.
CREATE TABLE IF NOT EXISTS agreement_spend (
    spend_id INTEGER PRIMARY KEY REFERENCES spend(id) ON DELETE CASCADE,
    agreement_id INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_agreement_spend_agreement ON agreement_spend(agreement_id);
