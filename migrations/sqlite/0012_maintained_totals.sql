-- Totals kept in the same transaction as every write, so that the overview answers from a
-- few rows however many milestones there are, on every app server alike (SQLite). Kept in
-- step with ../postgres/0012_maintained_totals.sql.
-- `totals` holds the installation's counts by name; `open_milestone_ends` counts the
-- milestones still open (neither completed nor withdrawn) by planned end, so that the
-- overdue ones on any day are a sum over dates, not a count over milestones.
-- A migration that rebuilds one of these tables must create its triggers again.
CREATE TABLE totals (
    name TEXT PRIMARY KEY,
    n INTEGER NOT NULL
);
INSERT INTO totals (name, n)
SELECT 'members', COUNT(*) FROM members
UNION ALL SELECT 'demo_members', COUNT(*) FROM members WHERE demo
UNION ALL SELECT 'plans', COUNT(*) FROM action_plans
UNION ALL SELECT 'commitments', COUNT(*) FROM commitments
UNION ALL SELECT 'milestones', COUNT(*) FROM milestones
UNION ALL SELECT 'completed_milestones', COUNT(*) FROM milestones WHERE status = 'completed';

CREATE TABLE open_milestone_ends (
    planned_end DATE PRIMARY KEY,
    n INTEGER NOT NULL
);
INSERT INTO open_milestone_ends (planned_end, n)
SELECT planned_end, COUNT(*) FROM milestones
WHERE status NOT IN ('completed', 'withdrawn') AND planned_end IS NOT NULL
GROUP BY planned_end;

CREATE TRIGGER members_total_insert AFTER INSERT ON members BEGIN
    UPDATE totals SET n = n + 1 WHERE name = 'members';
    UPDATE totals SET n = n + 1 WHERE name = 'demo_members' AND NEW.demo;
END;
CREATE TRIGGER members_total_delete AFTER DELETE ON members BEGIN
    UPDATE totals SET n = n - 1 WHERE name = 'members';
    UPDATE totals SET n = n - 1 WHERE name = 'demo_members' AND OLD.demo;
END;
CREATE TRIGGER members_total_demo AFTER UPDATE OF demo ON members
WHEN NEW.demo IS NOT OLD.demo BEGIN
    UPDATE totals SET n = n + CASE WHEN NEW.demo THEN 1 ELSE -1 END
    WHERE name = 'demo_members';
END;

CREATE TRIGGER plans_total_insert AFTER INSERT ON action_plans BEGIN
    UPDATE totals SET n = n + 1 WHERE name = 'plans';
END;
CREATE TRIGGER plans_total_delete AFTER DELETE ON action_plans BEGIN
    UPDATE totals SET n = n - 1 WHERE name = 'plans';
END;

CREATE TRIGGER commitments_total_insert AFTER INSERT ON commitments BEGIN
    UPDATE totals SET n = n + 1 WHERE name = 'commitments';
END;
CREATE TRIGGER commitments_total_delete AFTER DELETE ON commitments BEGIN
    UPDATE totals SET n = n - 1 WHERE name = 'commitments';
END;

CREATE TRIGGER milestones_total_insert AFTER INSERT ON milestones BEGIN
    UPDATE totals SET n = n + 1 WHERE name = 'milestones';
    UPDATE totals SET n = n + 1 WHERE name = 'completed_milestones'
        AND NEW.status = 'completed';
    INSERT INTO open_milestone_ends (planned_end, n)
    SELECT NEW.planned_end, 1
    WHERE NEW.status NOT IN ('completed', 'withdrawn') AND NEW.planned_end IS NOT NULL
    ON CONFLICT (planned_end) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER milestones_total_delete AFTER DELETE ON milestones BEGIN
    UPDATE totals SET n = n - 1 WHERE name = 'milestones';
    UPDATE totals SET n = n - 1 WHERE name = 'completed_milestones'
        AND OLD.status = 'completed';
    UPDATE open_milestone_ends SET n = n - 1
    WHERE planned_end = OLD.planned_end AND OLD.status NOT IN ('completed', 'withdrawn');
END;
CREATE TRIGGER milestones_total_update AFTER UPDATE OF status, planned_end ON milestones
WHEN NEW.status IS NOT OLD.status OR NEW.planned_end IS NOT OLD.planned_end BEGIN
    UPDATE totals SET n = n + (NEW.status = 'completed') - (OLD.status = 'completed')
    WHERE name = 'completed_milestones';
    UPDATE open_milestone_ends SET n = n - 1
    WHERE planned_end = OLD.planned_end AND OLD.status NOT IN ('completed', 'withdrawn');
    INSERT INTO open_milestone_ends (planned_end, n)
    SELECT NEW.planned_end, 1
    WHERE NEW.status NOT IN ('completed', 'withdrawn') AND NEW.planned_end IS NOT NULL
    ON CONFLICT (planned_end) DO UPDATE SET n = n + 1;
END;

-- How many indicators the sources of a commitment's published assessments disagree on (the
-- rule of domain::comparison), kept by the writes that publish assessments, so that the plan
-- and member pages list the most disagreeing commitments without comparing every score.
-- The tracker computes it for the commitments left NULL here when it starts.
ALTER TABLE commitments ADD COLUMN disagreements INTEGER DEFAULT 0;
UPDATE commitments SET disagreements = NULL
WHERE id IN (SELECT commitment_id FROM assessments WHERE status = 'published');
CREATE INDEX commitments_disagreements ON commitments (plan_id, disagreements)
WHERE disagreements > 0;
