-- Directory search at national scale (issue 15): the full-text index also holds each
-- organisation's FACETS, so a filter is one more term of the same MATCH (never a lookup per
-- match), and every word's prefix has an index of its own.
--
-- organisations_fts is rebuilt with
--   * a fourth column, `facets`: one token per district, theme, type, role, public services,
--     demonstration flag and size band of the organisation (models/organisations.py
--     `facet_token` writes the same tokens into a query). A token is a kind ('qq' and a
--     letter) and the value's UTF-8 bytes in hex, so any text is one token and no two values
--     share one. Words are searched in name, description and themes only (a column filter),
--     so a word never matches a facet;
--   * prefix indexes for prefixes of 1 to 8 characters: 'volunt'* reads one list of
--     organisations instead of merging every word that begins so (a search's words are all
--     prefixes, as you type);
--   * no copy of the text (content=''): it lives in `organisations`; the triggers pass the
--     old values when a row changes or goes.
-- Size bands follow organisations.SIZE_BANDS (pence; a test checks the two agree); a
-- negative income has no band, as the search's income ranges.
-- The version counter still moves once a row on SQLite (an in-place update of one row: a
-- large load stays linear); PostgreSQL's twin moves it once a statement.

DROP TRIGGER IF EXISTS organisations_ai;
DROP TRIGGER IF EXISTS organisations_ad;
DROP TRIGGER IF EXISTS organisations_au;
DROP TABLE IF EXISTS organisations_fts;

CREATE VIRTUAL TABLE organisations_fts USING fts5(
    name, description, themes, facets,
    content = '', prefix = '1 2 3 4 5 6 7 8',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER organisations_ai AFTER INSERT ON organisations BEGIN
    INSERT INTO organisations_fts(rowid, name, description, themes, facets)
        VALUES (new.id, new.name, new.description, new.themes, (
        COALESCE((SELECT group_concat('qqd' || hex(TRIM(value)), ' ') FROM json_each(CASE WHEN json_valid(new.districts) THEN new.districts ELSE '[]' END)
                  WHERE TRIM(COALESCE(value, '')) <> ''), '')
        || ' ' || COALESCE((SELECT group_concat('qqt' || hex(TRIM(value)), ' ') FROM json_each(CASE WHEN json_valid(new.themes) THEN new.themes ELSE '[]' END)
                  WHERE TRIM(COALESCE(value, '')) <> ''), '')
        || CASE WHEN new.org_type IS NULL THEN '' ELSE ' qqy' || hex(new.org_type) END
        || ' qqr' || new.is_infrastructure || ' qqp' || new.delivers_public_services || ' qqx' || new.is_demo
        || CASE WHEN new.latest_income_pence IS NULL THEN ' qqsn'
                WHEN new.latest_income_pence < 0 THEN ''
                WHEN new.latest_income_pence < 1000000 THEN ' qqs0'
                WHEN new.latest_income_pence < 10000000 THEN ' qqs1'
                WHEN new.latest_income_pence < 100000000 THEN ' qqs2'
                WHEN new.latest_income_pence < 1000000000 THEN ' qqs3'
                ELSE ' qqs4' END));
    INSERT INTO organisation_districts(org_rowid, district)
        SELECT new.id, TRIM(value) FROM json_each(CASE WHEN json_valid(new.districts) THEN new.districts ELSE '[]' END)
        WHERE TRIM(COALESCE(value, '')) <> '';
    INSERT INTO organisation_themes(org_rowid, theme)
        SELECT new.id, TRIM(value) FROM json_each(CASE WHEN json_valid(new.themes) THEN new.themes ELSE '[]' END)
        WHERE TRIM(COALESCE(value, '')) <> '';
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER organisations_ad AFTER DELETE ON organisations BEGIN
    INSERT INTO organisations_fts(organisations_fts, rowid, name, description, themes, facets)
        VALUES ('delete', old.id, old.name, old.description, old.themes, (
        COALESCE((SELECT group_concat('qqd' || hex(TRIM(value)), ' ') FROM json_each(CASE WHEN json_valid(old.districts) THEN old.districts ELSE '[]' END)
                  WHERE TRIM(COALESCE(value, '')) <> ''), '')
        || ' ' || COALESCE((SELECT group_concat('qqt' || hex(TRIM(value)), ' ') FROM json_each(CASE WHEN json_valid(old.themes) THEN old.themes ELSE '[]' END)
                  WHERE TRIM(COALESCE(value, '')) <> ''), '')
        || CASE WHEN old.org_type IS NULL THEN '' ELSE ' qqy' || hex(old.org_type) END
        || ' qqr' || old.is_infrastructure || ' qqp' || old.delivers_public_services || ' qqx' || old.is_demo
        || CASE WHEN old.latest_income_pence IS NULL THEN ' qqsn'
                WHEN old.latest_income_pence < 0 THEN ''
                WHEN old.latest_income_pence < 1000000 THEN ' qqs0'
                WHEN old.latest_income_pence < 10000000 THEN ' qqs1'
                WHEN old.latest_income_pence < 100000000 THEN ' qqs2'
                WHEN old.latest_income_pence < 1000000000 THEN ' qqs3'
                ELSE ' qqs4' END));
    DELETE FROM organisation_districts WHERE org_rowid = old.id;
    DELETE FROM organisation_themes WHERE org_rowid = old.id;
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER organisations_au AFTER UPDATE ON organisations BEGIN
    INSERT INTO organisations_fts(organisations_fts, rowid, name, description, themes, facets)
        VALUES ('delete', old.id, old.name, old.description, old.themes, (
        COALESCE((SELECT group_concat('qqd' || hex(TRIM(value)), ' ') FROM json_each(CASE WHEN json_valid(old.districts) THEN old.districts ELSE '[]' END)
                  WHERE TRIM(COALESCE(value, '')) <> ''), '')
        || ' ' || COALESCE((SELECT group_concat('qqt' || hex(TRIM(value)), ' ') FROM json_each(CASE WHEN json_valid(old.themes) THEN old.themes ELSE '[]' END)
                  WHERE TRIM(COALESCE(value, '')) <> ''), '')
        || CASE WHEN old.org_type IS NULL THEN '' ELSE ' qqy' || hex(old.org_type) END
        || ' qqr' || old.is_infrastructure || ' qqp' || old.delivers_public_services || ' qqx' || old.is_demo
        || CASE WHEN old.latest_income_pence IS NULL THEN ' qqsn'
                WHEN old.latest_income_pence < 0 THEN ''
                WHEN old.latest_income_pence < 1000000 THEN ' qqs0'
                WHEN old.latest_income_pence < 10000000 THEN ' qqs1'
                WHEN old.latest_income_pence < 100000000 THEN ' qqs2'
                WHEN old.latest_income_pence < 1000000000 THEN ' qqs3'
                ELSE ' qqs4' END));
    INSERT INTO organisations_fts(rowid, name, description, themes, facets)
        VALUES (new.id, new.name, new.description, new.themes, (
        COALESCE((SELECT group_concat('qqd' || hex(TRIM(value)), ' ') FROM json_each(CASE WHEN json_valid(new.districts) THEN new.districts ELSE '[]' END)
                  WHERE TRIM(COALESCE(value, '')) <> ''), '')
        || ' ' || COALESCE((SELECT group_concat('qqt' || hex(TRIM(value)), ' ') FROM json_each(CASE WHEN json_valid(new.themes) THEN new.themes ELSE '[]' END)
                  WHERE TRIM(COALESCE(value, '')) <> ''), '')
        || CASE WHEN new.org_type IS NULL THEN '' ELSE ' qqy' || hex(new.org_type) END
        || ' qqr' || new.is_infrastructure || ' qqp' || new.delivers_public_services || ' qqx' || new.is_demo
        || CASE WHEN new.latest_income_pence IS NULL THEN ' qqsn'
                WHEN new.latest_income_pence < 0 THEN ''
                WHEN new.latest_income_pence < 1000000 THEN ' qqs0'
                WHEN new.latest_income_pence < 10000000 THEN ' qqs1'
                WHEN new.latest_income_pence < 100000000 THEN ' qqs2'
                WHEN new.latest_income_pence < 1000000000 THEN ' qqs3'
                ELSE ' qqs4' END));
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

-- The organisations already saved (the lists are unchanged).
INSERT INTO organisations_fts(rowid, name, description, themes, facets)
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
                ELSE ' qqs4' END) FROM organisations o;
