-- The public change history (PostgreSQL). Kept in step with ../sqlite/0006_history.sql.
-- A change is what one command did: when, what caused it (a form, the command line, an
-- import of a named file, demo data) and who, as a role and the member or institution it is
-- held for (the account is kept for accountability, never shown). Its entries say, field by
-- field, what each record held before and after. Written in the change's own transaction;
-- never updated or deleted (triggers refuse both), but that replacing demo data deletes
-- the history of the demo records it removes.

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

-- Deleting is refused too, but for the history of demo records while demo data is replaced
-- (their records still exist then, marked as demo), and for a change left without entries.
CREATE FUNCTION history_keeps_its_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.commitment_id IS NOT NULL AND EXISTS
            (SELECT 1 FROM commitments c WHERE c.id = OLD.commitment_id AND c.demo))
        OR (OLD.record = 'member' AND EXISTS
            (SELECT 1 FROM members m WHERE m.id = OLD.record_id AND m.demo))
        OR (OLD.record = 'plan' AND EXISTS
            (SELECT 1 FROM action_plans p JOIN members m ON m.id = p.member_id
             WHERE p.id = OLD.record_id AND m.demo)) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the change history is append-only';
END
$$;
CREATE TRIGGER change_entries_kept BEFORE DELETE ON change_entries
    FOR EACH ROW EXECUTE FUNCTION history_keeps_its_entries();

CREATE FUNCTION history_keeps_its_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM change_entries e WHERE e.change_id = OLD.id) THEN
        RAISE EXCEPTION 'the change history is append-only';
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER changes_kept BEFORE DELETE ON changes
    FOR EACH ROW EXECUTE FUNCTION history_keeps_its_changes();
