-- A milestone's status, progress and completion date agree (SQLite). Kept in step with
-- ../postgres/0005_milestone_completion.sql.
-- A completed milestone has progress 100 and a completion date; any other status has no
-- completion date. Rows that disagreed are mended first: a date kept after a milestone
-- went back is cleared; a completed milestone gets 100 and, when it had no date, the day of
-- its last update saying it was completed (else its planned end, else today).
-- SQLite cannot add a CHECK to a table, so the table is rebuilt (see 0003).

UPDATE milestones SET completed_on = NULL
WHERE status <> 'completed' AND completed_on IS NOT NULL;

UPDATE milestones SET progress = 100 WHERE status = 'completed' AND progress <> 100;

UPDATE milestones SET completed_on = COALESCE(
    (SELECT substr(MAX(u.created_at), 1, 10) FROM progress_updates u
     WHERE u.milestone_id = milestones.id AND u.status = 'completed'),
    planned_end,
    CURRENT_DATE)
WHERE status = 'completed' AND completed_on IS NULL;

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
    weight REAL NOT NULL DEFAULT 1 CHECK (weight >= 0),
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT milestones_completion CHECK (
        (status = 'completed' AND progress = 100 AND completed_on IS NOT NULL)
        OR (status <> 'completed' AND completed_on IS NULL)
    )
);
INSERT INTO milestones_new (id, commitment_id, position, title, description,
    responsible_institution, planned_start, planned_end, completed_on, status, progress,
    weight, version)
SELECT id, commitment_id, position, title, description, responsible_institution,
    planned_start, planned_end, completed_on, status, progress, weight, version
FROM milestones;
DROP TABLE milestones;
ALTER TABLE milestones_new RENAME TO milestones;
CREATE INDEX milestones_commitment ON milestones (commitment_id);
