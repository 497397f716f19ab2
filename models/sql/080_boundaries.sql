-- Boundaries as reference data (maps), and the two places a grant can be put on a map.
--
-- One row an area: a ward, a former borough (dissolved from its wards on import) or a
-- local authority district, with its simplified outline as GeoJSON (WGS84 lon/lat,
-- exterior rings clockwise as the browser's map projection expects) and where it came from.
CREATE TABLE IF NOT EXISTS boundary_areas (
    area_key TEXT PRIMARY KEY,                 -- '<level>:<code>', e.g. 'ward:E05008610'
    level TEXT NOT NULL CHECK (level IN ('ward', 'former_borough', 'local_authority')),
    code TEXT NOT NULL,                        -- ONS GSS code
    name TEXT NOT NULL,
    parent_code TEXT,                          -- ward: its former borough or district; former borough: E06000049
    geometry TEXT NOT NULL,                    -- simplified GeoJSON geometry
    points INTEGER NOT NULL,                   -- vertices kept after simplification
    source TEXT NOT NULL,
    licence TEXT NOT NULL,
    source_file TEXT,
    import_id INTEGER REFERENCES import_log(id) ON DELETE CASCADE,
    loaded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_boundary_level ON boundary_areas(level, code);
CREATE INDEX IF NOT EXISTS idx_boundary_import ON boundary_areas(import_id);

-- Where a grant's benefit lands and where its recipient is based, as the publisher coded
-- them (360Giving beneficiaryLocation.geoCode, recipientOrganization.location.geoCode and
-- postalCode). NULL when the source does not say.
ALTER TABLE spend ADD COLUMN beneficiary_code TEXT;
ALTER TABLE spend ADD COLUMN recipient_area_code TEXT;
ALTER TABLE spend ADD COLUMN recipient_postcode TEXT;
