-- Retention (issue 14, finding 10): a tender whose last change is older than the retention
-- period is anonymised once (evaluators become "Evaluator 1", ...; everyone who acted on it
-- "anonymised"; conflict details removed). anonymised_at says when, so it is done once.
ALTER TABLE tenders ADD COLUMN anonymised_at TEXT;
