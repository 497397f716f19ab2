-- idx_spend_recipient_id serves no query (issue 15): the one query that names recipient_id
-- (an organisation's spend, models/organisations.py) ORs it with lower(recipient) LIKE, which
-- no index serves, so SQLite scans the table either way (EXPLAIN QUERY PLAN on 1,000,000 rows,
-- with its parameters bound as the app binds them). It was the one index whose keys arrive
-- in random order, and keeping it up was a third of publishing a large import's CPU
-- (bench/bench_import.py at 300,000 rows, SQLite: 2.75 -> 1.79 s). The same names as the SQLite
-- twin (dropping one that does not exist is harmless).
DROP INDEX IF EXISTS idx_spend_recipient_id;
DROP INDEX IF EXISTS idx_spend_recipient_id__n;
