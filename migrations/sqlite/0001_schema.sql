-- The tracker's schema (SQLite). Kept in step with ../postgres/0001_schema.sql.
-- Levels and statuses are stored by machine name; dates as ISO-8601 text.

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    region TEXT,
    commitment_prefix TEXT NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE action_plans (
    id INTEGER PRIMARY KEY,
    plan_key TEXT NOT NULL UNIQUE,
    member_id INTEGER NOT NULL REFERENCES members (id),
    number INTEGER NOT NULL,
    title TEXT,
    year_submitted INTEGER,
    end_year INTEGER,
    start_date TEXT,
    end_date TEXT,
    status TEXT NOT NULL,
    document_url TEXT,
    UNIQUE (member_id, number)
);

CREATE TABLE commitments (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    code_derived INTEGER NOT NULL DEFAULT 0,
    plan_id INTEGER NOT NULL REFERENCES action_plans (id),
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    short_title TEXT,
    full_text TEXT,
    theme TEXT,
    start_date TEXT,
    end_date TEXT,
    lead_institution TEXT,
    supporting_institutions TEXT,
    carried_forward INTEGER,
    active INTEGER,
    cluster_ids TEXT,
    source_url TEXT,
    budget_amount REAL,
    budget_currency TEXT,
    funding_source TEXT,
    funded INTEGER,
    demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX commitments_plan ON commitments (plan_id);

CREATE TABLE commitment_values (
    commitment_id INTEGER NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    value TEXT NOT NULL,
    PRIMARY KEY (commitment_id, value)
);

CREATE TABLE policy_areas (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE commitment_policy_areas (
    commitment_id INTEGER NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    policy_area_id INTEGER NOT NULL REFERENCES policy_areas (id),
    PRIMARY KEY (commitment_id, policy_area_id)
);

-- The original text of a field that held an OGP missing-value code or unreadable text.
CREATE TABLE raw_values (
    commitment_id INTEGER NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    raw TEXT NOT NULL,
    PRIMARY KEY (commitment_id, field)
);

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    commitment_id INTEGER NOT NULL REFERENCES commitments (id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    responsible_institution TEXT,
    planned_start TEXT,
    planned_end TEXT,
    completed_on TEXT,
    status TEXT NOT NULL,
    progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    weight REAL NOT NULL DEFAULT 1 CHECK (weight >= 0)
);
CREATE INDEX milestones_commitment ON milestones (commitment_id);

-- Append-only: a correction is a new row that names the update it corrects.
CREATE TABLE progress_updates (
    id INTEGER PRIMARY KEY,
    milestone_id INTEGER NOT NULL REFERENCES milestones (id),
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    progress INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
    narrative TEXT NOT NULL,
    corrects_id INTEGER REFERENCES progress_updates (id)
);
CREATE INDEX progress_updates_milestone ON progress_updates (milestone_id, created_at);
CREATE INDEX progress_updates_created ON progress_updates (created_at);

CREATE TABLE evidence_links (
    id INTEGER PRIMARY KEY,
    update_id INTEGER NOT NULL REFERENCES progress_updates (id),
    url TEXT NOT NULL,
    title TEXT NOT NULL
);
CREATE INDEX evidence_links_update ON evidence_links (update_id);

CREATE TABLE assessments (
    id INTEGER PRIMARY KEY,
    commitment_id INTEGER NOT NULL REFERENCES commitments (id),
    source TEXT NOT NULL,
    assessor TEXT NOT NULL,
    stage TEXT NOT NULL,
    scale TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (commitment_id, source, assessor, stage, scale)
);

CREATE TABLE assessment_scores (
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    value TEXT NOT NULL,
    justification TEXT,
    PRIMARY KEY (assessment_id, indicator)
);
