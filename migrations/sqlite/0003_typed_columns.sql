-- Typed columns (SQLite). Kept in step with ../postgres/0003_typed_columns.sql.
-- Flags become BOOLEAN, dates DATE and times TIMESTAMPTZ. SQLite cannot change a column's
-- type, so each table is rebuilt (create, copy, drop, rename), with foreign-key checks off
-- (`Db::migrate` runs migrations that way and checks every reference afterwards).
-- Dates were ISO text already and stay so. Times were UTC text in two forms
-- (`2024-05-01T10:00:00Z`, `2024-05-01T10:00:00.123000Z`); they become the one form the
-- database driver writes (`2024-05-01T10:00:00.123+00:00`: RFC 3339, whole seconds or
-- milli- or microseconds), which sorts as text in time order.

-- A time in any other form would be mangled below: then nothing is migrated.
CREATE TEMP TABLE time_forms (
    known INTEGER NOT NULL CONSTRAINT a_stored_time_is_in_an_unknown_form CHECK (known = 1)
);
INSERT INTO time_forms (known)
SELECT 0 FROM (
    SELECT created_at AS t FROM progress_updates
    UNION ALL SELECT created_at FROM assessments
    UNION ALL SELECT created_at FROM users
    UNION ALL SELECT last_sign_in_at FROM users
    UNION ALL SELECT granted_at FROM role_grants
    UNION ALL SELECT created_at FROM sessions
    UNION ALL SELECT expires_at FROM sessions
    UNION ALL SELECT created_at FROM account_links
    UNION ALL SELECT expires_at FROM account_links
    UNION ALL SELECT used_at FROM account_links
    UNION ALL SELECT at FROM sign_in_failures
    UNION ALL SELECT at FROM audit_log
) AS times
WHERE t IS NOT NULL AND NOT (
    (length(t) = 20
        AND t GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z')
    OR (length(t) = 27
        AND t GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z')
);
DROP TABLE time_forms;

CREATE TABLE members_new (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    region TEXT,
    commitment_prefix TEXT NOT NULL,
    demo BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO members_new (id, code, name, slug, kind, region, commitment_prefix, demo)
SELECT id,
    code,
    name,
    slug,
    kind,
    region,
    commitment_prefix,
    demo
FROM members;
DROP TABLE members;
ALTER TABLE members_new RENAME TO members;

CREATE TABLE action_plans_new (
    id INTEGER PRIMARY KEY,
    plan_key TEXT NOT NULL UNIQUE,
    member_id INTEGER NOT NULL REFERENCES members (id),
    number INTEGER NOT NULL,
    title TEXT,
    year_submitted INTEGER,
    end_year INTEGER,
    start_date DATE,
    end_date DATE,
    status TEXT NOT NULL,
    document_url TEXT,
    UNIQUE (member_id, number)
);
INSERT INTO action_plans_new (id, plan_key, member_id, number, title, year_submitted, end_year, start_date, end_date, status, document_url)
SELECT id,
    plan_key,
    member_id,
    number,
    title,
    year_submitted,
    end_year,
    start_date,
    end_date,
    status,
    document_url
FROM action_plans;
DROP TABLE action_plans;
ALTER TABLE action_plans_new RENAME TO action_plans;

CREATE TABLE commitments_new (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    code_derived BOOLEAN NOT NULL DEFAULT FALSE,
    plan_id INTEGER NOT NULL REFERENCES action_plans (id),
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    short_title TEXT,
    full_text TEXT,
    theme TEXT,
    start_date DATE,
    end_date DATE,
    lead_institution TEXT,
    supporting_institutions TEXT,
    carried_forward BOOLEAN,
    active BOOLEAN,
    cluster_ids TEXT,
    source_url TEXT,
    budget_amount REAL,
    budget_currency TEXT,
    funding_source TEXT,
    funded BOOLEAN,
    demo BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO commitments_new (id, code, code_derived, plan_id, number, title, short_title, full_text, theme, start_date, end_date, lead_institution, supporting_institutions, carried_forward, active, cluster_ids, source_url, budget_amount, budget_currency, funding_source, funded, demo)
SELECT id,
    code,
    code_derived,
    plan_id,
    number,
    title,
    short_title,
    full_text,
    theme,
    start_date,
    end_date,
    lead_institution,
    supporting_institutions,
    carried_forward,
    active,
    cluster_ids,
    source_url,
    budget_amount,
    budget_currency,
    funding_source,
    funded,
    demo
FROM commitments;
DROP TABLE commitments;
ALTER TABLE commitments_new RENAME TO commitments;
CREATE INDEX commitments_plan ON commitments (plan_id);

CREATE TABLE milestones_new (
    id INTEGER PRIMARY KEY,
    commitment_id INTEGER NOT NULL REFERENCES commitments (id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    responsible_institution TEXT,
    planned_start DATE,
    planned_end DATE,
    completed_on DATE,
    status TEXT NOT NULL,
    progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    weight REAL NOT NULL DEFAULT 1 CHECK (weight >= 0)
);
INSERT INTO milestones_new (id, commitment_id, position, title, description, responsible_institution, planned_start, planned_end, completed_on, status, progress, weight)
SELECT id,
    commitment_id,
    position,
    title,
    description,
    responsible_institution,
    planned_start,
    planned_end,
    completed_on,
    status,
    progress,
    weight
FROM milestones;
DROP TABLE milestones;
ALTER TABLE milestones_new RENAME TO milestones;
CREATE INDEX milestones_commitment ON milestones (commitment_id);

CREATE TABLE progress_updates_new (
    id INTEGER PRIMARY KEY,
    milestone_id INTEGER NOT NULL REFERENCES milestones (id),
    author TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL,
    progress INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
    narrative TEXT NOT NULL,
    corrects_id INTEGER REFERENCES progress_updates (id),
    author_id INTEGER REFERENCES users (id)
);
INSERT INTO progress_updates_new (id, milestone_id, author, created_at, status, progress, narrative, corrects_id, author_id)
SELECT id,
    milestone_id,
    author,
    CASE WHEN created_at IS NULL OR length(created_at) = 20 OR substr(created_at, 21, 6) = '000000' THEN substr(created_at, 1, 19) WHEN substr(created_at, 24, 3) = '000' THEN substr(created_at, 1, 23) ELSE substr(created_at, 1, 26) END || '+00:00',
    status,
    progress,
    narrative,
    corrects_id,
    author_id
FROM progress_updates;
DROP TABLE progress_updates;
ALTER TABLE progress_updates_new RENAME TO progress_updates;
CREATE INDEX progress_updates_milestone ON progress_updates (milestone_id, created_at);
CREATE INDEX progress_updates_created ON progress_updates (created_at);

CREATE TABLE assessments_new (
    id INTEGER PRIMARY KEY,
    commitment_id INTEGER NOT NULL REFERENCES commitments (id),
    source TEXT NOT NULL,
    assessor TEXT NOT NULL,
    stage TEXT NOT NULL,
    scale TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (commitment_id, source, assessor, stage, scale)
);
INSERT INTO assessments_new (id, commitment_id, source, assessor, stage, scale, created_at)
SELECT id,
    commitment_id,
    source,
    assessor,
    stage,
    scale,
    CASE WHEN created_at IS NULL OR length(created_at) = 20 OR substr(created_at, 21, 6) = '000000' THEN substr(created_at, 1, 19) WHEN substr(created_at, 24, 3) = '000' THEN substr(created_at, 1, 23) ELSE substr(created_at, 1, 26) END || '+00:00'
FROM assessments;
DROP TABLE assessments;
ALTER TABLE assessments_new RENAME TO assessments;

CREATE TABLE users_new (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    demo BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    last_sign_in_at TIMESTAMPTZ
);
INSERT INTO users_new (id, email, display_name, password_hash, disabled, demo, created_at, last_sign_in_at)
SELECT id,
    email,
    display_name,
    password_hash,
    disabled,
    demo,
    CASE WHEN created_at IS NULL OR length(created_at) = 20 OR substr(created_at, 21, 6) = '000000' THEN substr(created_at, 1, 19) WHEN substr(created_at, 24, 3) = '000' THEN substr(created_at, 1, 23) ELSE substr(created_at, 1, 26) END || '+00:00',
    CASE WHEN last_sign_in_at IS NULL OR length(last_sign_in_at) = 20 OR substr(last_sign_in_at, 21, 6) = '000000' THEN substr(last_sign_in_at, 1, 19) WHEN substr(last_sign_in_at, 24, 3) = '000' THEN substr(last_sign_in_at, 1, 23) ELSE substr(last_sign_in_at, 1, 26) END || '+00:00'
FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

CREATE TABLE role_grants_new (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'poc', 'reviewer', 'irm')),
    member_id INTEGER REFERENCES members (id),
    institution TEXT,
    granted_by INTEGER REFERENCES users (id),
    granted_at TIMESTAMPTZ NOT NULL
);
INSERT INTO role_grants_new (id, user_id, role, member_id, institution, granted_by, granted_at)
SELECT id,
    user_id,
    role,
    member_id,
    institution,
    granted_by,
    CASE WHEN granted_at IS NULL OR length(granted_at) = 20 OR substr(granted_at, 21, 6) = '000000' THEN substr(granted_at, 1, 19) WHEN substr(granted_at, 24, 3) = '000' THEN substr(granted_at, 1, 23) ELSE substr(granted_at, 1, 26) END || '+00:00'
FROM role_grants;
DROP TABLE role_grants;
ALTER TABLE role_grants_new RENAME TO role_grants;
CREATE INDEX role_grants_user ON role_grants (user_id);

CREATE TABLE sessions_new (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
INSERT INTO sessions_new (token_hash, user_id, created_at, expires_at)
SELECT token_hash,
    user_id,
    CASE WHEN created_at IS NULL OR length(created_at) = 20 OR substr(created_at, 21, 6) = '000000' THEN substr(created_at, 1, 19) WHEN substr(created_at, 24, 3) = '000' THEN substr(created_at, 1, 23) ELSE substr(created_at, 1, 26) END || '+00:00',
    CASE WHEN expires_at IS NULL OR length(expires_at) = 20 OR substr(expires_at, 21, 6) = '000000' THEN substr(expires_at, 1, 19) WHEN substr(expires_at, 24, 3) = '000' THEN substr(expires_at, 1, 23) ELSE substr(expires_at, 1, 26) END || '+00:00'
FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE account_links_new (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'reset')),
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ
);
INSERT INTO account_links_new (token_hash, user_id, purpose, created_by, created_at, expires_at, used_at)
SELECT token_hash,
    user_id,
    purpose,
    created_by,
    CASE WHEN created_at IS NULL OR length(created_at) = 20 OR substr(created_at, 21, 6) = '000000' THEN substr(created_at, 1, 19) WHEN substr(created_at, 24, 3) = '000' THEN substr(created_at, 1, 23) ELSE substr(created_at, 1, 26) END || '+00:00',
    CASE WHEN expires_at IS NULL OR length(expires_at) = 20 OR substr(expires_at, 21, 6) = '000000' THEN substr(expires_at, 1, 19) WHEN substr(expires_at, 24, 3) = '000' THEN substr(expires_at, 1, 23) ELSE substr(expires_at, 1, 26) END || '+00:00',
    CASE WHEN used_at IS NULL OR length(used_at) = 20 OR substr(used_at, 21, 6) = '000000' THEN substr(used_at, 1, 19) WHEN substr(used_at, 24, 3) = '000' THEN substr(used_at, 1, 23) ELSE substr(used_at, 1, 26) END || '+00:00'
FROM account_links;
DROP TABLE account_links;
ALTER TABLE account_links_new RENAME TO account_links;
CREATE INDEX account_links_user ON account_links (user_id);

CREATE TABLE sign_in_failures_new (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('account', 'address')),
    subject TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
INSERT INTO sign_in_failures_new (id, scope, subject, at)
SELECT id,
    scope,
    subject,
    CASE WHEN at IS NULL OR length(at) = 20 OR substr(at, 21, 6) = '000000' THEN substr(at, 1, 19) WHEN substr(at, 24, 3) = '000' THEN substr(at, 1, 23) ELSE substr(at, 1, 26) END || '+00:00'
FROM sign_in_failures;
DROP TABLE sign_in_failures;
ALTER TABLE sign_in_failures_new RENAME TO sign_in_failures;
CREATE INDEX sign_in_failures_subject ON sign_in_failures (scope, subject, at);

CREATE TABLE audit_log_new (
    id INTEGER PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_id INTEGER REFERENCES users (id),
    action TEXT NOT NULL,
    subject_id INTEGER REFERENCES users (id),
    facts TEXT NOT NULL,
    address TEXT
);
INSERT INTO audit_log_new (id, at, actor_id, action, subject_id, facts, address)
SELECT id,
    CASE WHEN at IS NULL OR length(at) = 20 OR substr(at, 21, 6) = '000000' THEN substr(at, 1, 19) WHEN substr(at, 24, 3) = '000' THEN substr(at, 1, 23) ELSE substr(at, 1, 26) END || '+00:00',
    actor_id,
    action,
    subject_id,
    facts,
    address
FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_at ON audit_log (at);
