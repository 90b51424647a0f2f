-- Accounts, role grants, sessions, one-time links, sign-in throttling and the audit log
-- (PostgreSQL). Kept in step with ../sqlite/0002_accounts.sql. Times are RFC 3339 UTC text.

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,           -- stored lower-case; never shown publicly
    display_name TEXT NOT NULL,
    password_hash TEXT,                   -- argon2id PHC string; NULL until an invitation is accepted
    disabled BIGINT NOT NULL DEFAULT 0,
    demo BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    last_sign_in_at TEXT
);

-- One row per role a person holds; member and institution narrow its scope.
CREATE TABLE role_grants (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'poc', 'reviewer', 'irm')),
    member_id BIGINT REFERENCES members (id),
    institution TEXT,
    granted_by BIGINT REFERENCES users (id),
    granted_at TEXT NOT NULL
);
CREATE INDEX role_grants_user ON role_grants (user_id);

-- Only a hash of the session token is stored, so a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Invitation and password-reset links; usable once, until they expire.
CREATE TABLE account_links (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'reset')),
    created_by BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX account_links_user ON account_links (user_id);

-- Failed sign-ins, by account (the e-mail as typed, known or not) and by address.
CREATE TABLE sign_in_failures (
    id BIGSERIAL PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('account', 'address')),
    subject TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_subject ON sign_in_failures (scope, subject, at);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    subject_id BIGINT REFERENCES users (id),
    -- A JSON object of what the line records, keyed by fact (role, member, email, ...):
    -- facts rather than sentences, so the log can be read in any language.
    facts TEXT NOT NULL,
    address TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Who wrote an update; public pages show the role and institution kept in `author`.
ALTER TABLE progress_updates ADD COLUMN author_id BIGINT REFERENCES users (id);
