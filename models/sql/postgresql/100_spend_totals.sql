-- PostgreSQL twin of models/sql/100_spend_totals.sql: the same three summary tables of
-- spend (integer pence), kept exact by triggers on spend in every writing transaction,
-- and the same pause for bulk writers (models.spend.bulk_totals): while spend_totals_pause
-- holds a row, inserted rows are left to the bulk writer's GROUP BY, and deleted or
-- updated rows with an id above `since` too.
--
-- SQLite's trigger WHEN clauses read spend_totals_pause with a subquery; PostgreSQL allows
-- no subquery in a trigger's WHEN, so each trigger function checks it first. The sums are
-- added and taken away by two functions the three triggers share. Function bodies are
-- single-quoted (see 020_directory.sql: store.sql_statements does not know $$ quotes).
CREATE TABLE IF NOT EXISTS spend_totals_pause (since BIGINT NOT NULL);

CREATE TABLE IF NOT EXISTS spend_totals (
    third_sector BIGINT NOT NULL,
    body_type TEXT NOT NULL,
    financial_year TEXT NOT NULL,
    authority TEXT NOT NULL,
    department TEXT NOT NULL,
    funding_type TEXT NOT NULL,
    district TEXT NOT NULL,
    amount_pence BIGINT NOT NULL,
    records BIGINT NOT NULL,
    PRIMARY KEY (third_sector, body_type, financial_year, authority, department, funding_type, district)
);
INSERT INTO spend_totals (third_sector, body_type, financial_year, authority, department, funding_type, district, amount_pence, records)
    SELECT third_sector, body_type, financial_year, authority, department, funding_type, district, SUM(amount_pence), COUNT(*) FROM spend GROUP BY third_sector, body_type, financial_year, authority, department, funding_type, district;

CREATE TABLE IF NOT EXISTS spend_totals_by_funder (
    third_sector BIGINT NOT NULL,
    body_type TEXT NOT NULL,
    financial_year TEXT NOT NULL,
    authority TEXT NOT NULL,
    department TEXT NOT NULL,
    funding_type TEXT NOT NULL,
    amount_pence BIGINT NOT NULL,
    records BIGINT NOT NULL,
    PRIMARY KEY (third_sector, body_type, financial_year, authority, department, funding_type)
);
INSERT INTO spend_totals_by_funder (third_sector, body_type, financial_year, authority, department, funding_type, amount_pence, records)
    SELECT third_sector, body_type, financial_year, authority, department, funding_type, SUM(amount_pence), COUNT(*) FROM spend GROUP BY third_sector, body_type, financial_year, authority, department, funding_type;

CREATE TABLE IF NOT EXISTS spend_totals_by_place (
    third_sector BIGINT NOT NULL,
    body_type TEXT NOT NULL,
    financial_year TEXT NOT NULL,
    district TEXT NOT NULL,
    funding_type TEXT NOT NULL,
    amount_pence BIGINT NOT NULL,
    records BIGINT NOT NULL,
    PRIMARY KEY (third_sector, body_type, financial_year, district, funding_type)
);
INSERT INTO spend_totals_by_place (third_sector, body_type, financial_year, district, funding_type, amount_pence, records)
    SELECT third_sector, body_type, financial_year, district, funding_type, SUM(amount_pence), COUNT(*) FROM spend GROUP BY third_sector, body_type, financial_year, district, funding_type;

-- One spend row's amount added to (or taken from) the three summaries; a summary row whose
-- count reaches 0 is removed, as on SQLite.
CREATE OR REPLACE FUNCTION spend_totals_add(row_third_sector bigint, row_body_type text, row_financial_year text, row_authority text, row_department text, row_funding_type text, row_district text, row_amount_pence bigint) RETURNS void LANGUAGE plpgsql AS '
BEGIN
    INSERT INTO spend_totals (third_sector, body_type, financial_year, authority, department, funding_type, district, amount_pence, records)
        VALUES (row_third_sector, row_body_type, row_financial_year, row_authority, row_department, row_funding_type, row_district, row_amount_pence, 1)
        ON CONFLICT (third_sector, body_type, financial_year, authority, department, funding_type, district)
        DO UPDATE SET amount_pence = spend_totals.amount_pence + excluded.amount_pence, records = spend_totals.records + 1;
    INSERT INTO spend_totals_by_funder (third_sector, body_type, financial_year, authority, department, funding_type, amount_pence, records)
        VALUES (row_third_sector, row_body_type, row_financial_year, row_authority, row_department, row_funding_type, row_amount_pence, 1)
        ON CONFLICT (third_sector, body_type, financial_year, authority, department, funding_type)
        DO UPDATE SET amount_pence = spend_totals_by_funder.amount_pence + excluded.amount_pence, records = spend_totals_by_funder.records + 1;
    INSERT INTO spend_totals_by_place (third_sector, body_type, financial_year, district, funding_type, amount_pence, records)
        VALUES (row_third_sector, row_body_type, row_financial_year, row_district, row_funding_type, row_amount_pence, 1)
        ON CONFLICT (third_sector, body_type, financial_year, district, funding_type)
        DO UPDATE SET amount_pence = spend_totals_by_place.amount_pence + excluded.amount_pence, records = spend_totals_by_place.records + 1;
END';

CREATE OR REPLACE FUNCTION spend_totals_subtract(row_third_sector bigint, row_body_type text, row_financial_year text, row_authority text, row_department text, row_funding_type text, row_district text, row_amount_pence bigint) RETURNS void LANGUAGE plpgsql AS '
BEGIN
    UPDATE spend_totals SET amount_pence = amount_pence - row_amount_pence, records = records - 1
        WHERE third_sector = row_third_sector AND body_type = row_body_type AND financial_year = row_financial_year AND authority = row_authority AND department = row_department AND funding_type = row_funding_type AND district = row_district;
    DELETE FROM spend_totals WHERE third_sector = row_third_sector AND body_type = row_body_type AND financial_year = row_financial_year AND authority = row_authority AND department = row_department AND funding_type = row_funding_type AND district = row_district AND records = 0;
    UPDATE spend_totals_by_funder SET amount_pence = amount_pence - row_amount_pence, records = records - 1
        WHERE third_sector = row_third_sector AND body_type = row_body_type AND financial_year = row_financial_year AND authority = row_authority AND department = row_department AND funding_type = row_funding_type;
    DELETE FROM spend_totals_by_funder WHERE third_sector = row_third_sector AND body_type = row_body_type AND financial_year = row_financial_year AND authority = row_authority AND department = row_department AND funding_type = row_funding_type AND records = 0;
    UPDATE spend_totals_by_place SET amount_pence = amount_pence - row_amount_pence, records = records - 1
        WHERE third_sector = row_third_sector AND body_type = row_body_type AND financial_year = row_financial_year AND district = row_district AND funding_type = row_funding_type;
    DELETE FROM spend_totals_by_place WHERE third_sector = row_third_sector AND body_type = row_body_type AND financial_year = row_financial_year AND district = row_district AND funding_type = row_funding_type AND records = 0;
END';

CREATE OR REPLACE FUNCTION spend_totals_after_insert() RETURNS trigger LANGUAGE plpgsql AS '
BEGIN
    IF NOT EXISTS (SELECT 1 FROM spend_totals_pause) THEN
        PERFORM spend_totals_add(NEW.third_sector, NEW.body_type, NEW.financial_year, NEW.authority, NEW.department, NEW.funding_type, NEW.district, NEW.amount_pence);
    END IF;
    RETURN NULL;
END';

CREATE OR REPLACE FUNCTION spend_totals_after_delete() RETURNS trigger LANGUAGE plpgsql AS '
BEGIN
    IF NOT EXISTS (SELECT 1 FROM spend_totals_pause WHERE OLD.id > since) THEN
        PERFORM spend_totals_subtract(OLD.third_sector, OLD.body_type, OLD.financial_year, OLD.authority, OLD.department, OLD.funding_type, OLD.district, OLD.amount_pence);
    END IF;
    RETURN NULL;
END';

CREATE OR REPLACE FUNCTION spend_totals_after_update() RETURNS trigger LANGUAGE plpgsql AS '
BEGIN
    IF NOT EXISTS (SELECT 1 FROM spend_totals_pause WHERE OLD.id > since) THEN
        PERFORM spend_totals_subtract(OLD.third_sector, OLD.body_type, OLD.financial_year, OLD.authority, OLD.department, OLD.funding_type, OLD.district, OLD.amount_pence);
        PERFORM spend_totals_add(NEW.third_sector, NEW.body_type, NEW.financial_year, NEW.authority, NEW.department, NEW.funding_type, NEW.district, NEW.amount_pence);
    END IF;
    RETURN NULL;
END';

CREATE OR REPLACE TRIGGER spend_totals_insert AFTER INSERT ON spend
    FOR EACH ROW EXECUTE FUNCTION spend_totals_after_insert();
CREATE OR REPLACE TRIGGER spend_totals_delete AFTER DELETE ON spend
    FOR EACH ROW EXECUTE FUNCTION spend_totals_after_delete();
CREATE OR REPLACE TRIGGER spend_totals_update
    AFTER UPDATE OF third_sector, body_type, financial_year, authority, district, department, funding_type, amount_pence ON spend
    FOR EACH ROW EXECUTE FUNCTION spend_totals_after_update();
