-- PostgreSQL twin of models/sql/125_directory_facets.sql.
--
-- SQLite's file rebuilds its FTS5 index with facet tokens and prefix indexes; PostgreSQL's
-- search document (020) is unchanged: its filters stay conditions on the row, planned by
-- PostgreSQL with the GIN index, and give the same organisations.
--
-- What changes here: the directory's version counter moves ONCE A STATEMENT, by the number
-- of rows the statement wrote (an AFTER ... FOR EACH STATEMENT trigger reading the
-- statement's transition table), no longer once a row. Every update of the one counter row
-- inside a transaction leaves a dead version of it that the next update must step over, so
-- a register of 170,000 organisations loaded in one transaction spent most of its 18
-- minutes there (quadratic). The counter ends where SQLite's does (one a row); a statement
-- that writes no row leaves it alone. The lists (districts, themes) are still kept a row at
-- a time.

CREATE OR REPLACE FUNCTION organisations_after_insert() RETURNS trigger LANGUAGE plpgsql AS '
BEGIN
    PERFORM organisation_lists_add(NEW.id, NEW.districts, NEW.themes);
    RETURN NULL;
END';

CREATE OR REPLACE FUNCTION organisations_after_delete() RETURNS trigger LANGUAGE plpgsql AS '
BEGIN
    PERFORM organisation_lists_remove(OLD.id);
    RETURN NULL;
END';

CREATE OR REPLACE FUNCTION organisations_after_update() RETURNS trigger LANGUAGE plpgsql AS '
BEGIN
    PERFORM organisation_lists_remove(OLD.id);
    PERFORM organisation_lists_add(NEW.id, NEW.districts, NEW.themes);
    RETURN NULL;
END';

-- The statement's rows (its transition table, named "changed" by each trigger below).
CREATE OR REPLACE FUNCTION directory_version_bump() RETURNS trigger LANGUAGE plpgsql AS '
DECLARE
    written bigint;
BEGIN
    SELECT count(*) INTO written FROM changed;
    IF written > 0 THEN
        UPDATE directory_version SET version = version + written WHERE id = 1;
    END IF;
    RETURN NULL;
END';

-- PostgreSQL allows a transition table on a trigger of one event only: one trigger each.
CREATE OR REPLACE TRIGGER organisations_version_ai AFTER INSERT ON organisations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();
CREATE OR REPLACE TRIGGER organisations_version_ad AFTER DELETE ON organisations
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();
CREATE OR REPLACE TRIGGER organisations_version_au AFTER UPDATE ON organisations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();
