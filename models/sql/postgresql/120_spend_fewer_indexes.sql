-- Fewer indexes on spend (issue 15): every explorer view now reads the summary tables
-- (migration 100), so two of spend's indexes serve no query any more, and each one is kept
-- up by every import's million-row copy (a large share of the writer's CPU, measured by
-- bench/bench_import.py):
--   * idx_spend_cube (8 columns): the queries left on spend (by recipient, the maps'
--     places) search (third_sector, year) or (third_sector, authority) faster without it
--     (EXPLAIN QUERY PLAN on 1,000,000 national-shaped rows: its prefix made SQLite visit
--     nearly every row through the index, 2-10x slower than through the narrow ones);
--   * idx_spend_recipient: a person's spend is found by lower(recipient) LIKE, which no
--     index serves; spend by recipient groups faster by one sort than through it.
-- The same names as the SQLite twin (there, an import's swapped-in copy names its indexes '__n'):
-- dropping a name that does not exist is harmless.
DROP INDEX IF EXISTS idx_spend_cube;
DROP INDEX IF EXISTS idx_spend_cube__n;
DROP INDEX IF EXISTS idx_spend_recipient;
DROP INDEX IF EXISTS idx_spend_recipient__n;
