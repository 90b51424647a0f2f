-- A milestone's status, progress and completion date agree (PostgreSQL). Kept in step with
-- ../sqlite/0005_milestone_completion.sql.
-- A completed milestone has progress 100 and a completion date; any other status has no
-- completion date. Rows that disagreed are mended first: a date kept after a milestone
-- went back is cleared; a completed milestone gets 100 and, when it had no date, the day of
-- its last update saying it was completed (else its planned end, else today).

UPDATE milestones SET completed_on = NULL
WHERE status <> 'completed' AND completed_on IS NOT NULL;

UPDATE milestones SET progress = 100 WHERE status = 'completed' AND progress <> 100;

UPDATE milestones SET completed_on = COALESCE(
    (SELECT MAX(u.created_at)::date FROM progress_updates u
     WHERE u.milestone_id = milestones.id AND u.status = 'completed'),
    planned_end,
    CURRENT_DATE)
WHERE status = 'completed' AND completed_on IS NULL;

ALTER TABLE milestones ADD CONSTRAINT milestones_completion CHECK (
    (status = 'completed' AND progress = 100 AND completed_on IS NOT NULL)
    OR (status <> 'completed' AND completed_on IS NULL)
);
