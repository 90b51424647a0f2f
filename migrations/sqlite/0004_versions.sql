-- Versions (SQLite). Kept in step with ../postgres/0004_versions.sql.
-- Every editable record carries a version, raised by every change; an edit names the
-- version it was made from, and a stale one is refused instead of overwriting.

ALTER TABLE members ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE action_plans ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE commitments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE milestones ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
