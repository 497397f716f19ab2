-- Core tables: the spend table every source lands in, the import log, the audit log and
-- the organisation directory. Money is integer pence.

CREATE TABLE IF NOT EXISTS import_log (
    id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    publisher TEXT,
    rows_added INTEGER NOT NULL DEFAULT 0,
    rows_updated INTEGER NOT NULL DEFAULT 0,
    rows_skipped INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL,
    imported_by TEXT,
    status TEXT NOT NULL DEFAULT 'imported'   -- imported | removed
);
CREATE INDEX IF NOT EXISTS idx_import_log_sha ON import_log(sha256);

-- One row a payment, grant award or contract value. `uid` is the identifier that makes a
-- re-import an update (the standard's own id where it has one: a 360Giving grant id,
-- an OCDS award id, a transaction number; for the seed, the table cell it came from).
CREATE TABLE IF NOT EXISTS spend (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    financial_year TEXT NOT NULL,          -- '2008/09': April to March
    date TEXT,                             -- ISO date of award or payment, if known
    body_type TEXT NOT NULL CHECK (body_type IN ('local_government', 'health', 'other_funder')),
    authority TEXT NOT NULL,               -- administering authority, funder or buyer
    authority_id TEXT,                     -- its org-id, e.g. GB-LAE-CHE
    district TEXT NOT NULL,                -- a district name, or 'Cheshire East-wide'
    department TEXT NOT NULL DEFAULT '',   -- '' when the source gives none
    funding_type TEXT NOT NULL CHECK (funding_type IN ('contract', 'grant')),
    amount_pence INTEGER NOT NULL,
    recipient TEXT,
    recipient_id TEXT,                     -- org-id of the recipient, if known
    programme TEXT,
    beneficiary_location TEXT,
    description TEXT,
    third_sector INTEGER NOT NULL DEFAULT 1 CHECK (third_sector IN (0, 1)),
    source TEXT NOT NULL,                  -- citation or publisher
    source_file TEXT,
    import_id INTEGER REFERENCES import_log(id) ON DELETE CASCADE,
    loaded_at TEXT NOT NULL
);
-- The explorer filters on these and groups by them; the covering index lets the common
-- aggregate run from the index alone.
CREATE INDEX IF NOT EXISTS idx_spend_explorer ON spend(
    third_sector, body_type, financial_year, authority, department, funding_type, district, amount_pence);
CREATE INDEX IF NOT EXISTS idx_spend_year ON spend(financial_year);
CREATE INDEX IF NOT EXISTS idx_spend_authority ON spend(authority);
CREATE INDEX IF NOT EXISTS idx_spend_department ON spend(department);
CREATE INDEX IF NOT EXISTS idx_spend_recipient_id ON spend(recipient_id);
CREATE INDEX IF NOT EXISTS idx_spend_recipient ON spend(recipient);
CREATE INDEX IF NOT EXISTS idx_spend_import ON spend(import_id);

CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    reason TEXT
);
CREATE INDEX IF NOT EXISTS idx_audit_entity ON audit_log(entity, entity_id);

-- The organisation directory. Lists (districts, themes, other ids) are JSON arrays.
CREATE TABLE IF NOT EXISTS organisations (
    id INTEGER PRIMARY KEY,
    org_id TEXT UNIQUE,                    -- primary org-id, e.g. GB-CHC-1164883
    name TEXT NOT NULL,
    charity_number TEXT,
    company_number TEXT,
    other_ids TEXT NOT NULL DEFAULT '[]',
    org_type TEXT,
    districts TEXT NOT NULL DEFAULT '[]',
    themes TEXT NOT NULL DEFAULT '[]',
    description TEXT NOT NULL DEFAULT '',
    latest_income_pence INTEGER,
    staff INTEGER,
    volunteers INTEGER,
    is_infrastructure INTEGER NOT NULL DEFAULT 0 CHECK (is_infrastructure IN (0, 1)),
    delivers_public_services INTEGER NOT NULL DEFAULT 0 CHECK (delivers_public_services IN (0, 1)),
    postcode TEXT,
    website TEXT,
    is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    source TEXT NOT NULL,
    source_file TEXT,
    import_id INTEGER REFERENCES import_log(id) ON DELETE CASCADE,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_org_name ON organisations(name);
CREATE INDEX IF NOT EXISTS idx_org_demo ON organisations(is_demo);

-- Settings an officer can change in the app (e.g. whether demo data is shown).
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
