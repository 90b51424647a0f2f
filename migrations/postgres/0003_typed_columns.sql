-- Typed columns (PostgreSQL). Kept in step with ../sqlite/0003_typed_columns.sql.
-- Flags become BOOLEAN, dates DATE and times TIMESTAMPTZ (they were UTC text).

ALTER TABLE members
    ALTER COLUMN demo DROP DEFAULT,
    ALTER COLUMN demo TYPE BOOLEAN USING demo <> 0,
    ALTER COLUMN demo SET DEFAULT FALSE;

ALTER TABLE action_plans
    ALTER COLUMN start_date TYPE DATE USING start_date::date,
    ALTER COLUMN end_date TYPE DATE USING end_date::date;

ALTER TABLE commitments
    ALTER COLUMN code_derived DROP DEFAULT,
    ALTER COLUMN code_derived TYPE BOOLEAN USING code_derived <> 0,
    ALTER COLUMN code_derived SET DEFAULT FALSE,
    ALTER COLUMN start_date TYPE DATE USING start_date::date,
    ALTER COLUMN end_date TYPE DATE USING end_date::date,
    ALTER COLUMN carried_forward TYPE BOOLEAN USING carried_forward <> 0,
    ALTER COLUMN active TYPE BOOLEAN USING active <> 0,
    ALTER COLUMN funded TYPE BOOLEAN USING funded <> 0,
    ALTER COLUMN demo DROP DEFAULT,
    ALTER COLUMN demo TYPE BOOLEAN USING demo <> 0,
    ALTER COLUMN demo SET DEFAULT FALSE;

ALTER TABLE milestones
    ALTER COLUMN planned_start TYPE DATE USING planned_start::date,
    ALTER COLUMN planned_end TYPE DATE USING planned_end::date,
    ALTER COLUMN completed_on TYPE DATE USING completed_on::date;

ALTER TABLE progress_updates
    ALTER COLUMN created_at TYPE TIMESTAMPTZ USING created_at::timestamptz;

ALTER TABLE assessments
    ALTER COLUMN created_at TYPE TIMESTAMPTZ USING created_at::timestamptz;

ALTER TABLE users
    ALTER COLUMN disabled DROP DEFAULT,
    ALTER COLUMN disabled TYPE BOOLEAN USING disabled <> 0,
    ALTER COLUMN disabled SET DEFAULT FALSE,
    ALTER COLUMN demo DROP DEFAULT,
    ALTER COLUMN demo TYPE BOOLEAN USING demo <> 0,
    ALTER COLUMN demo SET DEFAULT FALSE,
    ALTER COLUMN created_at TYPE TIMESTAMPTZ USING created_at::timestamptz,
    ALTER COLUMN last_sign_in_at TYPE TIMESTAMPTZ USING last_sign_in_at::timestamptz;

ALTER TABLE role_grants
    ALTER COLUMN granted_at TYPE TIMESTAMPTZ USING granted_at::timestamptz;

ALTER TABLE sessions
    ALTER COLUMN created_at TYPE TIMESTAMPTZ USING created_at::timestamptz,
    ALTER COLUMN expires_at TYPE TIMESTAMPTZ USING expires_at::timestamptz;

ALTER TABLE account_links
    ALTER COLUMN created_at TYPE TIMESTAMPTZ USING created_at::timestamptz,
    ALTER COLUMN expires_at TYPE TIMESTAMPTZ USING expires_at::timestamptz,
    ALTER COLUMN used_at TYPE TIMESTAMPTZ USING used_at::timestamptz;

ALTER TABLE sign_in_failures
    ALTER COLUMN at TYPE TIMESTAMPTZ USING at::timestamptz;

ALTER TABLE audit_log
    ALTER COLUMN at TYPE TIMESTAMPTZ USING at::timestamptz;
