-- Directory filters on an organisation's own columns, so counting "all CIOs" or "all
-- infrastructure organisations" reads an index, not the whole table.
CREATE INDEX IF NOT EXISTS idx_org_type ON organisations(org_type);
CREATE INDEX IF NOT EXISTS idx_org_role ON organisations(is_infrastructure, delivers_public_services);
