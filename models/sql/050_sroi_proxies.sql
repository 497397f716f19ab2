-- SROI financial proxies the user loads (the shipped, openly licensed ones stay in
-- data/proxies/*.csv), and the user's deflator table for re-basing proxies to a price year.
CREATE TABLE IF NOT EXISTS sroi_proxies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    unit TEXT NOT NULL,
    pence INTEGER NOT NULL CHECK (pence >= 0),
    price_year INTEGER NOT NULL,
    source TEXT NOT NULL,
    licence TEXT NOT NULL,
    note TEXT,
    loaded_from TEXT,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT
);
CREATE TABLE IF NOT EXISTS sroi_deflators (
    year INTEGER PRIMARY KEY,
    index_value REAL NOT NULL CHECK (index_value > 0),
    source TEXT,
    updated_at TEXT NOT NULL
);
