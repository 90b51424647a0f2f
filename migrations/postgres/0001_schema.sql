-- The tracker's schema (PostgreSQL). Kept in step with ../sqlite/0001_schema.sql.
-- Levels and statuses are stored by machine name; dates as ISO-8601 text.

CREATE TABLE members (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    region TEXT,
    commitment_prefix TEXT NOT NULL,
    demo BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE action_plans (
    id BIGSERIAL PRIMARY KEY,
    plan_key TEXT NOT NULL UNIQUE,
    member_id BIGINT NOT NULL REFERENCES members (id),
    number BIGINT NOT NULL,
    title TEXT,
    year_submitted BIGINT,
    end_year BIGINT,
    start_date TEXT,
    end_date TEXT,
    status TEXT NOT NULL,
    document_url TEXT,
    UNIQUE (member_id, number)
);

CREATE TABLE commitments (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    code_derived BIGINT NOT NULL DEFAULT 0,
    plan_id BIGINT NOT NULL REFERENCES action_plans (id),
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    short_title TEXT,
    full_text TEXT,
    theme TEXT,
    start_date TEXT,
    end_date TEXT,
    lead_institution TEXT,
    supporting_institutions TEXT,
    carried_forward BIGINT,
    active BIGINT,
    cluster_ids TEXT,
    source_url TEXT,
    budget_amount DOUBLE PRECISION,
    budget_currency TEXT,
    funding_source TEXT,
    funded BIGINT,
    demo BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX commitments_plan ON commitments (plan_id);

CREATE TABLE commitment_values (
    commitment_id BIGINT NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    value TEXT NOT NULL,
    PRIMARY KEY (commitment_id, value)
);

CREATE TABLE policy_areas (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE commitment_policy_areas (
    commitment_id BIGINT NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    policy_area_id BIGINT NOT NULL REFERENCES policy_areas (id),
    PRIMARY KEY (commitment_id, policy_area_id)
);

-- The original text of a field that held an OGP missing-value code or unreadable text.
CREATE TABLE raw_values (
    commitment_id BIGINT NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    raw TEXT NOT NULL,
    PRIMARY KEY (commitment_id, field)
);

CREATE TABLE milestones (
    id BIGSERIAL PRIMARY KEY,
    commitment_id BIGINT NOT NULL REFERENCES commitments (id),
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    responsible_institution TEXT,
    planned_start TEXT,
    planned_end TEXT,
    completed_on TEXT,
    status TEXT NOT NULL,
    progress BIGINT NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    weight DOUBLE PRECISION NOT NULL DEFAULT 1 CHECK (weight >= 0)
);
CREATE INDEX milestones_commitment ON milestones (commitment_id);

-- Append-only: a correction is a new row that names the update it corrects.
CREATE TABLE progress_updates (
    id BIGSERIAL PRIMARY KEY,
    milestone_id BIGINT NOT NULL REFERENCES milestones (id),
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    progress BIGINT NOT NULL CHECK (progress BETWEEN 0 AND 100),
    narrative TEXT NOT NULL,
    corrects_id BIGINT REFERENCES progress_updates (id)
);
CREATE INDEX progress_updates_milestone ON progress_updates (milestone_id, created_at);
CREATE INDEX progress_updates_created ON progress_updates (created_at);

CREATE TABLE evidence_links (
    id BIGSERIAL PRIMARY KEY,
    update_id BIGINT NOT NULL REFERENCES progress_updates (id),
    url TEXT NOT NULL,
    title TEXT NOT NULL
);
CREATE INDEX evidence_links_update ON evidence_links (update_id);

CREATE TABLE assessments (
    id BIGSERIAL PRIMARY KEY,
    commitment_id BIGINT NOT NULL REFERENCES commitments (id),
    source TEXT NOT NULL,
    assessor TEXT NOT NULL,
    stage TEXT NOT NULL,
    scale TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (commitment_id, source, assessor, stage, scale)
);

CREATE TABLE assessment_scores (
    assessment_id BIGINT NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    value TEXT NOT NULL,
    justification TEXT,
    PRIMARY KEY (assessment_id, indicator)
);
