-- The public change history (SQLite). Kept in step with ../postgres/0006_history.sql.
-- A change is what one command did: when, what caused it (a form, the command line, an
-- import of a named file, demo data) and who, as a role and the member or institution it is
-- held for (the account is kept for accountability, never shown). Its entries say, field by
-- field, what each record held before and after. Written in the change's own transaction;
-- never updated or deleted (triggers refuse both), but that replacing demo data deletes
-- the history of the demo records it removes.

CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    cause TEXT NOT NULL CHECK (cause IN ('form', 'command_line', 'import', 'demo')),
    source TEXT,
    actor_role TEXT CHECK (actor_role IN ('admin', 'poc', 'reviewer', 'irm')),
    actor_member TEXT,
    actor_institution TEXT,
    actor_user_id INTEGER REFERENCES users (id)
);

CREATE TABLE change_entries (
    id INTEGER PRIMARY KEY,
    change_id INTEGER NOT NULL REFERENCES changes (id),
    record TEXT NOT NULL CHECK (record IN ('member', 'plan', 'commitment', 'milestone',
        'progress_update', 'assessment')),
    record_id INTEGER NOT NULL,
    -- The commitment whose history shows the entry; none for members and plans.
    commitment_id INTEGER REFERENCES commitments (id),
    milestone_id INTEGER REFERENCES milestones (id),
    -- A field's machine name, or `record` for the record as a whole (nothing before: created).
    field TEXT NOT NULL,
    value_before TEXT,
    value_after TEXT
);
CREATE INDEX change_entries_commitment ON change_entries (commitment_id, change_id);
CREATE INDEX change_entries_change ON change_entries (change_id);
CREATE INDEX change_entries_record ON change_entries (record, record_id);

CREATE TRIGGER changes_append_only BEFORE UPDATE ON changes
BEGIN
    SELECT RAISE(ABORT, 'the change history is append-only');
END;
CREATE TRIGGER change_entries_append_only BEFORE UPDATE ON change_entries
BEGIN
    SELECT RAISE(ABORT, 'the change history is append-only');
END;

-- Deleting is refused too, but for the history of demo records while demo data is replaced
-- (their records still exist then, marked as demo), and for a change left without entries.
CREATE TRIGGER change_entries_kept BEFORE DELETE ON change_entries
WHEN NOT ((OLD.commitment_id IS NOT NULL AND EXISTS
            (SELECT 1 FROM commitments c WHERE c.id = OLD.commitment_id AND c.demo))
        OR (OLD.record = 'member' AND EXISTS
            (SELECT 1 FROM members m WHERE m.id = OLD.record_id AND m.demo))
        OR (OLD.record = 'plan' AND EXISTS
            (SELECT 1 FROM action_plans p JOIN members m ON m.id = p.member_id
             WHERE p.id = OLD.record_id AND m.demo)))
BEGIN
    SELECT RAISE(ABORT, 'the change history is append-only');
END;
CREATE TRIGGER changes_kept BEFORE DELETE ON changes
WHEN EXISTS (SELECT 1 FROM change_entries e WHERE e.change_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'the change history is append-only');
END;
