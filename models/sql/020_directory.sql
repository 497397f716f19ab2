-- The organisation directory's search index, filter lists and version counter.
--
-- Everything here is kept up to date by triggers on `organisations`, so ANY writer (the
-- directory form, the demo seed, the Charity Commission importer) stays searchable
-- without calling this module. Writers should INSERT/UPDATE/DELETE (or sqlite-utils
-- insert/upsert); `INSERT OR REPLACE` skips delete triggers unless recursive_triggers is
-- on, leaving stale index entries that searches ignore (they join back to the table) and
-- `organisations.rebuild_search_index` clears.

-- Full-text search over names, descriptions and themes (external content: the text
-- lives once, in `organisations`). Porter stemming: 'counselling' finds 'counsellor'.
CREATE VIRTUAL TABLE IF NOT EXISTS organisations_fts USING fts5(
    name, description, themes,
    content = 'organisations', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Districts and themes, one row each, so filters use an index instead of parsing JSON.
CREATE TABLE IF NOT EXISTS organisation_districts (
    org_rowid INTEGER NOT NULL,
    district TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_org_districts ON organisation_districts(district, org_rowid);
CREATE INDEX IF NOT EXISTS idx_org_districts_row ON organisation_districts(org_rowid);

CREATE TABLE IF NOT EXISTS organisation_themes (
    org_rowid INTEGER NOT NULL,
    theme TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_org_themes ON organisation_themes(theme, org_rowid);
CREATE INDEX IF NOT EXISTS idx_org_themes_row ON organisation_themes(org_rowid);

-- A counter that changes on every write to the directory: the key for caches such as
-- the fitted matching model ("fit once per directory version").
CREATE TABLE IF NOT EXISTS directory_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT OR IGNORE INTO directory_version(id, version) VALUES (1, 0);

CREATE INDEX IF NOT EXISTS idx_org_income ON organisations(latest_income_pence);

CREATE TRIGGER IF NOT EXISTS organisations_ai AFTER INSERT ON organisations BEGIN
    INSERT INTO organisations_fts(rowid, name, description, themes)
        VALUES (new.id, new.name, new.description, new.themes);
    INSERT INTO organisation_districts(org_rowid, district)
        SELECT new.id, TRIM(value) FROM json_each(CASE WHEN json_valid(new.districts) THEN new.districts ELSE '[]' END)
        WHERE TRIM(COALESCE(value, '')) <> '';
    INSERT INTO organisation_themes(org_rowid, theme)
        SELECT new.id, TRIM(value) FROM json_each(CASE WHEN json_valid(new.themes) THEN new.themes ELSE '[]' END)
        WHERE TRIM(COALESCE(value, '')) <> '';
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER IF NOT EXISTS organisations_ad AFTER DELETE ON organisations BEGIN
    INSERT INTO organisations_fts(organisations_fts, rowid, name, description, themes)
        VALUES ('delete', old.id, old.name, old.description, old.themes);
    DELETE FROM organisation_districts WHERE org_rowid = old.id;
    DELETE FROM organisation_themes WHERE org_rowid = old.id;
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER IF NOT EXISTS organisations_au AFTER UPDATE ON organisations BEGIN
    INSERT INTO organisations_fts(organisations_fts, rowid, name, description, themes)
        VALUES ('delete', old.id, old.name, old.description, old.themes);
    INSERT INTO organisations_fts(rowid, name, description, themes)
        VALUES (new.id, new.name, new.description, new.themes);
    DELETE FROM organisation_districts WHERE org_rowid = old.id;
    DELETE FROM organisation_themes WHERE org_rowid = old.id;
    INSERT INTO organisation_districts(org_rowid, district)
        SELECT new.id, TRIM(value) FROM json_each(CASE WHEN json_valid(new.districts) THEN new.districts ELSE '[]' END)
        WHERE TRIM(COALESCE(value, '')) <> '';
    INSERT INTO organisation_themes(org_rowid, theme)
        SELECT new.id, TRIM(value) FROM json_each(CASE WHEN json_valid(new.themes) THEN new.themes ELSE '[]' END)
        WHERE TRIM(COALESCE(value, '')) <> '';
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
END;

-- Rows already present when this migration runs (none on a fresh database).
INSERT INTO organisations_fts(organisations_fts) VALUES ('rebuild');
INSERT INTO organisation_districts(org_rowid, district)
    SELECT o.id, TRIM(j.value) FROM organisations o,
        json_each(CASE WHEN json_valid(o.districts) THEN o.districts ELSE '[]' END) j
    WHERE TRIM(COALESCE(j.value, '')) <> '';
INSERT INTO organisation_themes(org_rowid, theme)
    SELECT o.id, TRIM(j.value) FROM organisations o,
        json_each(CASE WHEN json_valid(o.themes) THEN o.themes ELSE '[]' END) j
    WHERE TRIM(COALESCE(j.value, '')) <> '';
