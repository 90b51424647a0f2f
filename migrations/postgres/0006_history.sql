-- The public change history (PostgreSQL). Kept in step with ../sqlite/0006_history.sql.
-- A change is what one command did: when, what caused it (a form, the command line, an
-- import of a named file, demo data) and who, as a role and the member or institution it is
-- held for (the account is kept for accountability, never shown). Its entries say, field by
-- field, what each record held before and after. Written in the change's own transaction;
-- never updated (a trigger refuses it). Only replacing demo data deletes history, that of
-- the demo records it removes.

CREATE TABLE changes (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    cause TEXT NOT NULL CHECK (cause IN ('form', 'command_line', 'import', 'demo')),
    source TEXT,
    actor_role TEXT CHECK (actor_role IN ('admin', 'poc', 'reviewer', 'irm')),
    actor_member TEXT,
    actor_institution TEXT,
    actor_user_id BIGINT REFERENCES users (id)
);

CREATE TABLE change_entries (
    id BIGSERIAL PRIMARY KEY,
    change_id BIGINT NOT NULL REFERENCES changes (id),
    record TEXT NOT NULL CHECK (record IN ('member', 'plan', 'commitment', 'milestone',
        'progress_update', 'assessment')),
    record_id BIGINT NOT NULL,
    -- The commitment whose history shows the entry; none for members and plans.
    commitment_id BIGINT REFERENCES commitments (id),
    milestone_id BIGINT REFERENCES milestones (id),
    -- A field's machine name, or `record` for the record as a whole (nothing before: created).
    field TEXT NOT NULL,
    value_before TEXT,
    value_after TEXT
);
CREATE INDEX change_entries_commitment ON change_entries (commitment_id, change_id);
CREATE INDEX change_entries_change ON change_entries (change_id);
CREATE INDEX change_entries_record ON change_entries (record, record_id);

CREATE FUNCTION history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the change history is append-only';
END
$$;
CREATE TRIGGER changes_append_only BEFORE UPDATE ON changes
    FOR EACH ROW EXECUTE FUNCTION history_is_append_only();
CREATE TRIGGER change_entries_append_only BEFORE UPDATE ON change_entries
    FOR EACH ROW EXECUTE FUNCTION history_is_append_only();
