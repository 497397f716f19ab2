-- PostgreSQL twin of models/sql/020_directory.sql: the directory's search document,
-- filter lists and version counter, kept up to date by triggers on `organisations` as on
-- SQLite, so any writer stays searchable.
--
-- Function bodies are single-quoted strings, not $$ dollar quotes: migrations are split
-- into statements by store.sql_statements, which knows SQL strings but not dollar quotes.
-- (Inside a body, a quote is written twice.)

-- Full-text search. SQLite's FTS5 table organisations_fts (tokenize = 'porter unicode61
-- remove_diacritics 2') becomes a generated tsvector column with a GIN index:
--   * the same three fields, weighted as the search ranks them: name A, themes B,
--     description C (bm25 weights 10, 3 and 1 on SQLite);
--   * English stemming without stop words, as FTS5's porter tokenizer: 'paddle' finds
--     'paddling' (configuration dashboard_search: Snowball English, every word kept);
--   * accents removed first (dashboard_fold), as remove_diacritics: 'cafe' finds 'Café'.
-- Query it with the same configuration and fold, e.g.
--   search_document @@ to_tsquery('dashboard_search', dashboard_fold(the words))
CREATE TEXT SEARCH DICTIONARY dashboard_english_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION dashboard_search (COPY = english);
ALTER TEXT SEARCH CONFIGURATION dashboard_search ALTER MAPPING REPLACE english_stem WITH dashboard_english_stem;

-- Accented Latin letters (Latin-1 Supplement and Latin Extended-A/B) to their unaccented
-- letter; everything else unchanged. Immutable, so a generated column may use it.
CREATE OR REPLACE FUNCTION dashboard_fold(words text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN translate(words,
        'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳ',
        'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUuUuUuAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYy');

ALTER TABLE organisations ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('dashboard_search', dashboard_fold(name)), 'A')
    || setweight(to_tsvector('dashboard_search', dashboard_fold(themes)), 'B')
    || setweight(to_tsvector('dashboard_search', dashboard_fold(description)), 'C')
) STORED;
CREATE INDEX IF NOT EXISTS organisations_search_idx ON organisations USING GIN (search_document);

-- Districts and themes, one row each, so filters use an index instead of parsing JSON.
CREATE TABLE IF NOT EXISTS organisation_districts (
    org_rowid BIGINT NOT NULL,
    district TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_org_districts ON organisation_districts(district, org_rowid);
CREATE INDEX IF NOT EXISTS idx_org_districts_row ON organisation_districts(org_rowid);

CREATE TABLE IF NOT EXISTS organisation_themes (
    org_rowid BIGINT NOT NULL,
    theme TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_org_themes ON organisation_themes(theme, org_rowid);
CREATE INDEX IF NOT EXISTS idx_org_themes_row ON organisation_themes(org_rowid);

CREATE TABLE IF NOT EXISTS directory_version (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO directory_version(id, version) VALUES (1, 0) ON CONFLICT DO NOTHING;

CREATE INDEX IF NOT EXISTS idx_org_income ON organisations(latest_income_pence);

-- The items of a JSON list column, trimmed, blank ones left out; nothing when the text is
-- not JSON (SQLite: json_each over the text when json_valid, else over '[]'). An object
-- gives its values and a scalar itself, as json_each does.
CREATE OR REPLACE FUNCTION organisation_list_items(document text) RETURNS SETOF text
    LANGUAGE plpgsql IMMUTABLE AS '
DECLARE
    parsed json;
BEGIN
    BEGIN
        parsed := document::json;
    EXCEPTION WHEN invalid_text_representation THEN
        RETURN;
    END;
    IF parsed IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
        SELECT trim(item) FROM (
            SELECT json_array_elements_text(parsed) AS item WHERE json_typeof(parsed) = ''array''
            UNION ALL
            SELECT e.value FROM json_each_text(CASE WHEN json_typeof(parsed) = ''object'' THEN parsed ELSE ''{}'' END) e
            UNION ALL
            SELECT parsed #>> ''{}'' WHERE json_typeof(parsed) NOT IN (''array'', ''object'')
        ) items
        WHERE length(trim(item)) > 0;
END';

-- One organisation's rows in the two lists, added or removed; the triggers share them.
CREATE OR REPLACE FUNCTION organisation_lists_add(org bigint, org_districts text, org_themes text)
    RETURNS void LANGUAGE plpgsql AS '
BEGIN
    INSERT INTO organisation_districts(org_rowid, district)
        SELECT org, item FROM organisation_list_items(org_districts) AS item;
    INSERT INTO organisation_themes(org_rowid, theme)
        SELECT org, item FROM organisation_list_items(org_themes) AS item;
END';

CREATE OR REPLACE FUNCTION organisation_lists_remove(org bigint) RETURNS void LANGUAGE plpgsql AS '
BEGIN
    DELETE FROM organisation_districts WHERE org_rowid = org;
    DELETE FROM organisation_themes WHERE org_rowid = org;
END';

CREATE OR REPLACE FUNCTION organisations_after_insert() RETURNS trigger LANGUAGE plpgsql AS '
BEGIN
    PERFORM organisation_lists_add(NEW.id, NEW.districts, NEW.themes);
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END';

CREATE OR REPLACE FUNCTION organisations_after_delete() RETURNS trigger LANGUAGE plpgsql AS '
BEGIN
    PERFORM organisation_lists_remove(OLD.id);
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END';

CREATE OR REPLACE FUNCTION organisations_after_update() RETURNS trigger LANGUAGE plpgsql AS '
BEGIN
    PERFORM organisation_lists_remove(OLD.id);
    PERFORM organisation_lists_add(NEW.id, NEW.districts, NEW.themes);
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END';

CREATE OR REPLACE TRIGGER organisations_ai AFTER INSERT ON organisations
    FOR EACH ROW EXECUTE FUNCTION organisations_after_insert();
CREATE OR REPLACE TRIGGER organisations_ad AFTER DELETE ON organisations
    FOR EACH ROW EXECUTE FUNCTION organisations_after_delete();
CREATE OR REPLACE TRIGGER organisations_au AFTER UPDATE ON organisations
    FOR EACH ROW EXECUTE FUNCTION organisations_after_update();

-- Rows already present when this migration runs (none on a fresh database). The search
-- document of existing rows was computed when the column was added.
SELECT organisation_lists_add(id, districts, themes) FROM organisations;
