-- Sign-in and roles (issue 12). A person is known by their email (what an administrator
-- types when giving a role); their OpenID Connect subject is linked at first sign-in, and
-- a later sign-in with the same email but another subject is refused. Roles are a JSON
-- array of viewer / officer / commissioner / evaluator / admin. The first administrators
-- come from configuration and are not stored here.
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,            -- lower case
    name TEXT NOT NULL DEFAULT '',
    subject TEXT UNIQUE,                   -- OIDC subject, set at first sign-in
    roles TEXT NOT NULL DEFAULT '[]',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by TEXT,
    last_signed_in_at TEXT
);

-- Every audit entry records the identity behind `who`: the signed-in subject and email
-- (or `local:<typed name>` and no email when sign-in is off).
ALTER TABLE audit_log ADD COLUMN subject TEXT;
ALTER TABLE audit_log ADD COLUMN email TEXT;
