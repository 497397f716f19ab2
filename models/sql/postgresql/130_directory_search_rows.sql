-- PostgreSQL twin of models/sql/130_directory_search_rows.sql: the directory's facet tokens
-- (issue 15), written once as on SQLite, and a small GIN-indexed table that answers filters.
--
-- organisation_facets(...): one organisation's facet tokens, the same SQLite's FTS5 index
-- holds in its `facets` column (migration 125): one per district, theme, type, role (qqr),
-- public services (qqp), demonstration flag (qqx) and size band (qqs); 'qq', a letter and the
-- value, text values as their UTF-8 bytes in hex, upper case (SQLite's hex()). Size bands
-- follow organisations.SIZE_BANDS (pence); a negative income has no band. The flags are NOT
-- NULL columns. models/directory_search.facet_token builds the same tokens.
--
-- organisation_search_rows: the same view as SQLite's (id, name, description, themes, facets
-- as one space-separated text), so a test compares the two engines' tokens row by row.
--
-- organisation_facet_keys: per organisation its name and its tokens' 64-bit hashes
-- (hashtextextended: a token is looked up by its hash, computed in the query the same way),
-- with a GIN index. A search without words is one lookup in that index (every kind chosen
-- present, any of its values) and a visit of the matching rows of this narrow table (about
-- 170 bytes a row) for the count and the first page by name; `organisations` (about 2 kB a
-- row with its search document) is read only for the page's rows. Kept by statement triggers
-- on organisations (transition tables: one INSERT ... SELECT a statement, not one a row).

CREATE OR REPLACE FUNCTION organisation_facets(districts text, themes text, org_type text, infrastructure bigint,
                                               public_services bigint, demo bigint, income bigint)
    RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS '
SELECT ARRAY(SELECT ''qqd'' || upper(encode(convert_to(item, ''UTF8''), ''hex'')) FROM organisation_list_items(districts) AS item)
    || ARRAY(SELECT ''qqt'' || upper(encode(convert_to(item, ''UTF8''), ''hex'')) FROM organisation_list_items(themes) AS item)
    || CASE WHEN org_type IS NULL THEN ''{}''::text[] ELSE ARRAY[''qqy'' || upper(encode(convert_to(org_type, ''UTF8''), ''hex''))] END
    || ARRAY[''qqr'' || infrastructure, ''qqp'' || public_services, ''qqx'' || demo]
    || CASE WHEN income IS NULL THEN ARRAY[''qqsn'']
            WHEN income < 0 THEN ''{}''::text[]
            WHEN income < 1000000 THEN ARRAY[''qqs0'']
            WHEN income < 10000000 THEN ARRAY[''qqs1'']
            WHEN income < 100000000 THEN ARRAY[''qqs2'']
            WHEN income < 1000000000 THEN ARRAY[''qqs3'']
            ELSE ARRAY[''qqs4''] END';

-- A token's key in organisation_facet_keys (the search computes its tokens' keys with it too).
CREATE OR REPLACE FUNCTION organisation_facet_key(token text) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN hashtextextended(token, 0);

CREATE VIEW organisation_search_rows AS
SELECT o.id, o.name, o.description, o.themes,
       array_to_string(organisation_facets(o.districts, o.themes, o.org_type, o.is_infrastructure,
                                           o.delivers_public_services, o.is_demo, o.latest_income_pence), ' ') AS facets
FROM organisations o;

CREATE TABLE IF NOT EXISTS organisation_facet_keys (
    org_rowid BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    keys BIGINT[] NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_org_facet_keys ON organisation_facet_keys USING GIN (keys);

-- The statement's rows (its transition table, named "changed" by each trigger below).
CREATE OR REPLACE FUNCTION organisation_facet_keys_write() RETURNS trigger LANGUAGE plpgsql AS '
BEGIN
    INSERT INTO organisation_facet_keys(org_rowid, name, keys)
        SELECT c.id, c.name, ARRAY(SELECT organisation_facet_key(t) FROM unnest(organisation_facets(
            c.districts, c.themes, c.org_type, c.is_infrastructure, c.delivers_public_services, c.is_demo,
            c.latest_income_pence)) AS t)
        FROM changed c
        ON CONFLICT (org_rowid) DO UPDATE SET name = excluded.name, keys = excluded.keys;
    RETURN NULL;
END';

CREATE OR REPLACE FUNCTION organisation_facet_keys_remove() RETURNS trigger LANGUAGE plpgsql AS '
BEGIN
    DELETE FROM organisation_facet_keys WHERE org_rowid IN (SELECT id FROM changed);
    RETURN NULL;
END';

CREATE OR REPLACE TRIGGER organisations_facets_ai AFTER INSERT ON organisations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION organisation_facet_keys_write();
CREATE OR REPLACE TRIGGER organisations_facets_au AFTER UPDATE ON organisations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION organisation_facet_keys_write();
CREATE OR REPLACE TRIGGER organisations_facets_ad AFTER DELETE ON organisations
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION organisation_facet_keys_remove();

-- The organisations already saved.
INSERT INTO organisation_facet_keys(org_rowid, name, keys)
    SELECT o.id, o.name, ARRAY(SELECT organisation_facet_key(t) FROM unnest(organisation_facets(
        o.districts, o.themes, o.org_type, o.is_infrastructure, o.delivers_public_services, o.is_demo,
        o.latest_income_pence)) AS t)
    FROM organisations o;
