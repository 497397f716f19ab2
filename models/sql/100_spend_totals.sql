-- Summary tables for the spend explorer (issue 15): spend summed to three grains, kept
-- exact inside every transaction that writes the spend table (an import, a removal, the
-- seed, a third-sector marking) by the triggers below, so a page view reads a few thousand
-- summed rows instead of scanning a million. Integer pence, so they reconcile to the penny.
--   spend_totals            every filter and grouping field (the finest grain)
--   spend_totals_by_funder  without district: the default views (no district filter)
--   spend_totals_by_place   without authority and department: spend by district
-- models/spend.py reads the smallest one that holds every field a view filters or groups by.
--
-- A bulk writer (an import of many rows) may pause the per-row work inside its own
-- transaction: models.spend.bulk_totals puts the largest spend id in spend_totals_pause,
-- rows inserted after it are left to the triggers' WHEN clauses, and one GROUP BY adds
-- them to the summaries before the transaction commits. Readers never see the pause.
CREATE TABLE IF NOT EXISTS spend_totals_pause (since INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS spend_totals (
    third_sector INTEGER NOT NULL,
    body_type TEXT NOT NULL,
    financial_year TEXT NOT NULL,
    authority TEXT NOT NULL,
    department TEXT NOT NULL,
    funding_type TEXT NOT NULL,
    district TEXT NOT NULL,
    amount_pence INTEGER NOT NULL,
    records INTEGER NOT NULL,
    PRIMARY KEY (third_sector, body_type, financial_year, authority, department, funding_type, district)
) WITHOUT ROWID;
INSERT INTO spend_totals (third_sector, body_type, financial_year, authority, department, funding_type, district, amount_pence, records)
    SELECT third_sector, body_type, financial_year, authority, department, funding_type, district, SUM(amount_pence), COUNT(*) FROM spend GROUP BY third_sector, body_type, financial_year, authority, department, funding_type, district;

CREATE TABLE IF NOT EXISTS spend_totals_by_funder (
    third_sector INTEGER NOT NULL,
    body_type TEXT NOT NULL,
    financial_year TEXT NOT NULL,
    authority TEXT NOT NULL,
    department TEXT NOT NULL,
    funding_type TEXT NOT NULL,
    amount_pence INTEGER NOT NULL,
    records INTEGER NOT NULL,
    PRIMARY KEY (third_sector, body_type, financial_year, authority, department, funding_type)
) WITHOUT ROWID;
INSERT INTO spend_totals_by_funder (third_sector, body_type, financial_year, authority, department, funding_type, amount_pence, records)
    SELECT third_sector, body_type, financial_year, authority, department, funding_type, SUM(amount_pence), COUNT(*) FROM spend GROUP BY third_sector, body_type, financial_year, authority, department, funding_type;

CREATE TABLE IF NOT EXISTS spend_totals_by_place (
    third_sector INTEGER NOT NULL,
    body_type TEXT NOT NULL,
    financial_year TEXT NOT NULL,
    district TEXT NOT NULL,
    funding_type TEXT NOT NULL,
    amount_pence INTEGER NOT NULL,
    records INTEGER NOT NULL,
    PRIMARY KEY (third_sector, body_type, financial_year, district, funding_type)
) WITHOUT ROWID;
INSERT INTO spend_totals_by_place (third_sector, body_type, financial_year, district, funding_type, amount_pence, records)
    SELECT third_sector, body_type, financial_year, district, funding_type, SUM(amount_pence), COUNT(*) FROM spend GROUP BY third_sector, body_type, financial_year, district, funding_type;

CREATE TRIGGER IF NOT EXISTS spend_totals_insert AFTER INSERT ON spend
    WHEN NOT EXISTS (SELECT 1 FROM spend_totals_pause) BEGIN
    INSERT INTO spend_totals (third_sector, body_type, financial_year, authority, department, funding_type, district, amount_pence, records)
        VALUES (NEW.third_sector, NEW.body_type, NEW.financial_year, NEW.authority, NEW.department, NEW.funding_type, NEW.district, NEW.amount_pence, 1)
        ON CONFLICT DO UPDATE SET amount_pence = amount_pence + excluded.amount_pence, records = records + 1;
    INSERT INTO spend_totals_by_funder (third_sector, body_type, financial_year, authority, department, funding_type, amount_pence, records)
        VALUES (NEW.third_sector, NEW.body_type, NEW.financial_year, NEW.authority, NEW.department, NEW.funding_type, NEW.amount_pence, 1)
        ON CONFLICT DO UPDATE SET amount_pence = amount_pence + excluded.amount_pence, records = records + 1;
    INSERT INTO spend_totals_by_place (third_sector, body_type, financial_year, district, funding_type, amount_pence, records)
        VALUES (NEW.third_sector, NEW.body_type, NEW.financial_year, NEW.district, NEW.funding_type, NEW.amount_pence, 1)
        ON CONFLICT DO UPDATE SET amount_pence = amount_pence + excluded.amount_pence, records = records + 1;
END;
CREATE TRIGGER IF NOT EXISTS spend_totals_delete AFTER DELETE ON spend
    WHEN NOT EXISTS (SELECT 1 FROM spend_totals_pause WHERE OLD.id > since) BEGIN
    UPDATE spend_totals SET amount_pence = amount_pence - OLD.amount_pence, records = records - 1 WHERE third_sector = OLD.third_sector AND body_type = OLD.body_type AND financial_year = OLD.financial_year AND authority = OLD.authority AND department = OLD.department AND funding_type = OLD.funding_type AND district = OLD.district;
    DELETE FROM spend_totals WHERE third_sector = OLD.third_sector AND body_type = OLD.body_type AND financial_year = OLD.financial_year AND authority = OLD.authority AND department = OLD.department AND funding_type = OLD.funding_type AND district = OLD.district AND records = 0;
    UPDATE spend_totals_by_funder SET amount_pence = amount_pence - OLD.amount_pence, records = records - 1 WHERE third_sector = OLD.third_sector AND body_type = OLD.body_type AND financial_year = OLD.financial_year AND authority = OLD.authority AND department = OLD.department AND funding_type = OLD.funding_type;
    DELETE FROM spend_totals_by_funder WHERE third_sector = OLD.third_sector AND body_type = OLD.body_type AND financial_year = OLD.financial_year AND authority = OLD.authority AND department = OLD.department AND funding_type = OLD.funding_type AND records = 0;
    UPDATE spend_totals_by_place SET amount_pence = amount_pence - OLD.amount_pence, records = records - 1 WHERE third_sector = OLD.third_sector AND body_type = OLD.body_type AND financial_year = OLD.financial_year AND district = OLD.district AND funding_type = OLD.funding_type;
    DELETE FROM spend_totals_by_place WHERE third_sector = OLD.third_sector AND body_type = OLD.body_type AND financial_year = OLD.financial_year AND district = OLD.district AND funding_type = OLD.funding_type AND records = 0;
END;
CREATE TRIGGER IF NOT EXISTS spend_totals_update AFTER UPDATE OF third_sector, body_type, financial_year, authority, district, department, funding_type, amount_pence ON spend
    WHEN NOT EXISTS (SELECT 1 FROM spend_totals_pause WHERE OLD.id > since) BEGIN
    UPDATE spend_totals SET amount_pence = amount_pence - OLD.amount_pence, records = records - 1 WHERE third_sector = OLD.third_sector AND body_type = OLD.body_type AND financial_year = OLD.financial_year AND authority = OLD.authority AND department = OLD.department AND funding_type = OLD.funding_type AND district = OLD.district;
    DELETE FROM spend_totals WHERE third_sector = OLD.third_sector AND body_type = OLD.body_type AND financial_year = OLD.financial_year AND authority = OLD.authority AND department = OLD.department AND funding_type = OLD.funding_type AND district = OLD.district AND records = 0;
    UPDATE spend_totals_by_funder SET amount_pence = amount_pence - OLD.amount_pence, records = records - 1 WHERE third_sector = OLD.third_sector AND body_type = OLD.body_type AND financial_year = OLD.financial_year AND authority = OLD.authority AND department = OLD.department AND funding_type = OLD.funding_type;
    DELETE FROM spend_totals_by_funder WHERE third_sector = OLD.third_sector AND body_type = OLD.body_type AND financial_year = OLD.financial_year AND authority = OLD.authority AND department = OLD.department AND funding_type = OLD.funding_type AND records = 0;
    UPDATE spend_totals_by_place SET amount_pence = amount_pence - OLD.amount_pence, records = records - 1 WHERE third_sector = OLD.third_sector AND body_type = OLD.body_type AND financial_year = OLD.financial_year AND district = OLD.district AND funding_type = OLD.funding_type;
    DELETE FROM spend_totals_by_place WHERE third_sector = OLD.third_sector AND body_type = OLD.body_type AND financial_year = OLD.financial_year AND district = OLD.district AND funding_type = OLD.funding_type AND records = 0;
    INSERT INTO spend_totals (third_sector, body_type, financial_year, authority, department, funding_type, district, amount_pence, records)
        VALUES (NEW.third_sector, NEW.body_type, NEW.financial_year, NEW.authority, NEW.department, NEW.funding_type, NEW.district, NEW.amount_pence, 1)
        ON CONFLICT DO UPDATE SET amount_pence = amount_pence + excluded.amount_pence, records = records + 1;
    INSERT INTO spend_totals_by_funder (third_sector, body_type, financial_year, authority, department, funding_type, amount_pence, records)
        VALUES (NEW.third_sector, NEW.body_type, NEW.financial_year, NEW.authority, NEW.department, NEW.funding_type, NEW.amount_pence, 1)
        ON CONFLICT DO UPDATE SET amount_pence = amount_pence + excluded.amount_pence, records = records + 1;
    INSERT INTO spend_totals_by_place (third_sector, body_type, financial_year, district, funding_type, amount_pence, records)
        VALUES (NEW.third_sector, NEW.body_type, NEW.financial_year, NEW.district, NEW.funding_type, NEW.amount_pence, 1)
        ON CONFLICT DO UPDATE SET amount_pence = amount_pence + excluded.amount_pence, records = records + 1;
END;
