-- Tender records for many people at once (issue 11). Bids and low-price explanations
-- become rows of their own, so two people adding bids (or explanations) to one tender
-- write two rows instead of both rewriting one JSON document. Every record a person
-- edits carries a version: set-up and criteria (tenders), bids, explanations, evaluators'
-- scores and agreed (moderated) scores. A save based on an older version is refused.
ALTER TABLE tenders ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tenders ADD COLUMN updated_by TEXT;
ALTER TABLE tender_scores ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tender_moderations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE IF NOT EXISTS tender_bids (
    id INTEGER PRIMARY KEY,
    tender_id INTEGER NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
    bidder TEXT NOT NULL,
    position INTEGER NOT NULL,             -- order the bids were added in
    bid_json TEXT NOT NULL,                -- price, pass/fail results, social value quantities
    version INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tender_id, bidder)
);

CREATE TABLE IF NOT EXISTS tender_explanations (
    id INTEGER PRIMARY KEY,
    tender_id INTEGER NOT NULL,
    bidder TEXT NOT NULL,
    explanation TEXT NOT NULL,             -- the bidder's explanation of an abnormally low price
    version INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tender_id, bidder),
    FOREIGN KEY (tender_id, bidder) REFERENCES tender_bids(tender_id, bidder) ON DELETE CASCADE
);

-- Move the bids (and their explanations) out of each tender's set-up document.
INSERT INTO tender_bids (tender_id, bidder, position, bid_json, updated_by, updated_at)
SELECT t.id, json_extract(b.value, '$.bidder'), b.key,
       json_remove(b.value, '$.low_price_explanation'), COALESCE(t.created_by, 'unknown'), t.updated_at
FROM tenders t, json_each(t.setup_json, '$.bids') b;

INSERT INTO tender_explanations (tender_id, bidder, explanation, updated_by, updated_at)
SELECT t.id, json_extract(b.value, '$.bidder'), json_extract(b.value, '$.low_price_explanation'),
       COALESCE(t.created_by, 'unknown'), t.updated_at
FROM tenders t, json_each(t.setup_json, '$.bids') b
WHERE json_extract(b.value, '$.low_price_explanation') IS NOT NULL;

UPDATE tenders SET setup_json = json_remove(setup_json, '$.bids');
