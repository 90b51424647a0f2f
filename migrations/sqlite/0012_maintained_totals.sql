-- Totals kept in the same transaction as every write, so that the overview answers from a
-- few rows however many milestones there are, on every app server alike (SQLite). Kept in
-- step with ../postgres/0012_maintained_totals.sql.
-- `totals` holds the installation's counts by name and `open_milestone_ends` the milestones
-- still open (neither completed nor withdrawn) by planned end, so that the overdue ones on
-- any day are a sum over dates, not a count over milestones. Triggers only append changes
-- to `total_changes`: no write waits on another for a shared count (on PostgreSQL, two
-- transactions updating one count row would queue, or deadlock), and the tracker folds the
-- changes into the two tables now and then (storage::fold_total_changes). A count is its
-- row plus its changes.
-- A migration that rebuilds one of the counted tables must create its triggers again.
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

-- A change to the count `name` of `totals`, or, with a planned end, to that date's count
-- of `open_milestone_ends`.
CREATE TABLE total_changes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    planned_end DATE,
    n INTEGER NOT NULL
);

CREATE TRIGGER members_total_insert AFTER INSERT ON members BEGIN
    INSERT INTO total_changes (name, n) VALUES ('members', 1);
    INSERT INTO total_changes (name, n) SELECT 'demo_members', 1 WHERE NEW.demo;
END;
CREATE TRIGGER members_total_delete AFTER DELETE ON members BEGIN
    INSERT INTO total_changes (name, n) VALUES ('members', -1);
    INSERT INTO total_changes (name, n) SELECT 'demo_members', -1 WHERE OLD.demo;
END;
CREATE TRIGGER members_total_demo AFTER UPDATE OF demo ON members
WHEN NEW.demo IS NOT OLD.demo BEGIN
    INSERT INTO total_changes (name, n)
    VALUES ('demo_members', CASE WHEN NEW.demo THEN 1 ELSE -1 END);
END;

CREATE TRIGGER plans_total_insert AFTER INSERT ON action_plans BEGIN
    INSERT INTO total_changes (name, n) VALUES ('plans', 1);
END;
CREATE TRIGGER plans_total_delete AFTER DELETE ON action_plans BEGIN
    INSERT INTO total_changes (name, n) VALUES ('plans', -1);
END;

CREATE TRIGGER commitments_total_insert AFTER INSERT ON commitments BEGIN
    INSERT INTO total_changes (name, n) VALUES ('commitments', 1);
END;
CREATE TRIGGER commitments_total_delete AFTER DELETE ON commitments BEGIN
    INSERT INTO total_changes (name, n) VALUES ('commitments', -1);
END;

CREATE TRIGGER milestones_total_insert AFTER INSERT ON milestones BEGIN
    INSERT INTO total_changes (name, n) VALUES ('milestones', 1);
    INSERT INTO total_changes (name, n)
    SELECT 'completed_milestones', 1 WHERE NEW.status = 'completed';
    INSERT INTO total_changes (name, planned_end, n)
    SELECT 'open_milestones', NEW.planned_end, 1
    WHERE NEW.status NOT IN ('completed', 'withdrawn') AND NEW.planned_end IS NOT NULL;
END;
CREATE TRIGGER milestones_total_delete AFTER DELETE ON milestones BEGIN
    INSERT INTO total_changes (name, n) VALUES ('milestones', -1);
    INSERT INTO total_changes (name, n)
    SELECT 'completed_milestones', -1 WHERE OLD.status = 'completed';
    INSERT INTO total_changes (name, planned_end, n)
    SELECT 'open_milestones', OLD.planned_end, -1
    WHERE OLD.status NOT IN ('completed', 'withdrawn') AND OLD.planned_end IS NOT NULL;
END;
CREATE TRIGGER milestones_total_update AFTER UPDATE OF status, planned_end ON milestones
WHEN NEW.status IS NOT OLD.status OR NEW.planned_end IS NOT OLD.planned_end BEGIN
    INSERT INTO total_changes (name, n)
    SELECT 'completed_milestones', (NEW.status = 'completed') - (OLD.status = 'completed')
    WHERE (NEW.status = 'completed') IS NOT (OLD.status = 'completed');
    INSERT INTO total_changes (name, planned_end, n)
    SELECT 'open_milestones', OLD.planned_end, -1
    WHERE OLD.status NOT IN ('completed', 'withdrawn') AND OLD.planned_end IS NOT NULL;
    INSERT INTO total_changes (name, planned_end, n)
    SELECT 'open_milestones', NEW.planned_end, 1
    WHERE NEW.status NOT IN ('completed', 'withdrawn') AND NEW.planned_end IS NOT NULL;
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
