-- The directory's facet tokens written ONCE (issue 15). Migration 125 wrote the expression
-- that turns an organisation into its facet tokens five times (three triggers, two values in
-- the update trigger, and the fill); this view holds it, and the triggers and any rebuild read
-- it. PostgreSQL's twin makes the same view over its own `facets` column (a generated text[]
-- with a GIN index), so the two engines' tokens can be compared row by row.
--
-- organisation_search_rows: what organisations_fts holds for each organisation (rowid = id):
-- name, description and themes as they are, and the facets: one token per district, theme,
-- type, role (qqr), public services (qqp), demonstration flag (qqx) and size band (qqs) —
-- 'qq', a letter and the value, text values as their UTF-8 bytes in hex (upper case, as
-- hex() writes them; models/directory_search.facet_token writes the same). Size bands follow
-- organisations.SIZE_BANDS (pence; tests check the two agree); a negative income has no band.
-- The expression is 125's, unchanged, so the index 125 built stays right: no rebuild here.
-- To rebuild the index: INSERT INTO organisations_fts(organisations_fts) VALUES ('delete-all');
-- then INSERT INTO organisations_fts(rowid, name, description, themes, facets)
--      SELECT id, name, description, themes, facets FROM organisation_search_rows;
--
-- The index is contentless: removing a row's entry needs the values it was written with, so
-- the old values are read through the view BEFORE a row changes or goes (a BEFORE trigger
-- that writes only the index), and the new ones AFTER it is written. Each reads one row of
-- the view by its primary key.

CREATE VIEW organisation_search_rows AS
SELECT o.id, o.name, o.description, o.themes, (
    COALESCE((SELECT group_concat('qqd' || hex(TRIM(value)), ' ') FROM json_each(CASE WHEN json_valid(o.districts) THEN o.districts ELSE '[]' END)
              WHERE TRIM(COALESCE(value, '')) <> ''), '')
    || ' ' || COALESCE((SELECT group_concat('qqt' || hex(TRIM(value)), ' ') FROM json_each(CASE WHEN json_valid(o.themes) THEN o.themes ELSE '[]' END)
              WHERE TRIM(COALESCE(value, '')) <> ''), '')
    || CASE WHEN o.org_type IS NULL THEN '' ELSE ' qqy' || hex(o.org_type) END
    || ' qqr' || o.is_infrastructure || ' qqp' || o.delivers_public_services || ' qqx' || o.is_demo
    || CASE WHEN o.latest_income_pence IS NULL THEN ' qqsn'
            WHEN o.latest_income_pence < 0 THEN ''
            WHEN o.latest_income_pence < 1000000 THEN ' qqs0'
            WHEN o.latest_income_pence < 10000000 THEN ' qqs1'
            WHEN o.latest_income_pence < 100000000 THEN ' qqs2'
            WHEN o.latest_income_pence < 1000000000 THEN ' qqs3'
            ELSE ' qqs4' END) AS facets
FROM organisations o;

DROP TRIGGER IF EXISTS organisations_ai;
DROP TRIGGER IF EXISTS organisations_ad;
DROP TRIGGER IF EXISTS organisations_au;

CREATE TRIGGER organisations_ai AFTER INSERT ON organisations BEGIN
    INSERT INTO organisations_fts(rowid, name, description, themes, facets)
        SELECT id, name, description, themes, facets FROM organisation_search_rows WHERE id = new.id;
    INSERT INTO organisation_districts(org_rowid, district)
        SELECT new.id, TRIM(value) FROM json_each(CASE WHEN json_valid(new.districts) THEN new.districts ELSE '[]' END)
        WHERE TRIM(COALESCE(value, '')) <> '';
    INSERT INTO organisation_themes(org_rowid, theme)
        SELECT new.id, TRIM(value) FROM json_each(CASE WHEN json_valid(new.themes) THEN new.themes ELSE '[]' END)
        WHERE TRIM(COALESCE(value, '')) <> '';
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER organisations_bd BEFORE DELETE ON organisations BEGIN
    INSERT INTO organisations_fts(organisations_fts, rowid, name, description, themes, facets)
        SELECT 'delete', id, name, description, themes, facets FROM organisation_search_rows WHERE id = old.id;
END;

CREATE TRIGGER organisations_ad AFTER DELETE ON organisations BEGIN
    DELETE FROM organisation_districts WHERE org_rowid = old.id;
    DELETE FROM organisation_themes WHERE org_rowid = old.id;
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER organisations_bu BEFORE UPDATE ON organisations BEGIN
    INSERT INTO organisations_fts(organisations_fts, rowid, name, description, themes, facets)
        SELECT 'delete', id, name, description, themes, facets FROM organisation_search_rows WHERE id = old.id;
END;

CREATE TRIGGER organisations_au AFTER UPDATE ON organisations BEGIN
    INSERT INTO organisations_fts(rowid, name, description, themes, facets)
        SELECT id, name, description, themes, facets FROM organisation_search_rows WHERE id = new.id;
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
