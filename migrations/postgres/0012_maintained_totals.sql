-- Totals kept in the same transaction as every write, so that the overview answers from a
-- few rows however many milestones there are, on every app server alike (PostgreSQL). Kept
-- in step with ../sqlite/0012_maintained_totals.sql.
-- `totals` holds the installation's counts by name; `open_milestone_ends` counts the
-- milestones still open (neither completed nor withdrawn) by planned end, so that the
-- overdue ones on any day are a sum over dates, not a count over milestones.
CREATE TABLE totals (
    name TEXT PRIMARY KEY,
    n BIGINT NOT NULL
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
    n BIGINT NOT NULL
);
INSERT INTO open_milestone_ends (planned_end, n)
SELECT planned_end, COUNT(*) FROM milestones
WHERE status NOT IN ('completed', 'withdrawn') AND planned_end IS NOT NULL
GROUP BY planned_end;

CREATE FUNCTION totals_add(total TEXT, delta BIGINT) RETURNS VOID AS $$
    UPDATE totals SET n = n + delta WHERE name = total AND delta <> 0;
$$ LANGUAGE sql;

-- Counts a milestone in (delta 1) or out of (delta -1) the open milestones of its end date.
CREATE FUNCTION open_milestone_add(milestone_status TEXT, ends DATE, delta BIGINT)
RETURNS VOID AS $$
BEGIN
    IF milestone_status NOT IN ('completed', 'withdrawn') AND ends IS NOT NULL THEN
        INSERT INTO open_milestone_ends AS o (planned_end, n) VALUES (ends, delta)
        ON CONFLICT ON CONSTRAINT open_milestone_ends_pkey DO UPDATE SET n = o.n + delta;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION members_total() RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM totals_add('members', 1);
        PERFORM totals_add('demo_members', CASE WHEN NEW.demo THEN 1 ELSE 0 END);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM totals_add('members', -1);
        PERFORM totals_add('demo_members', CASE WHEN OLD.demo THEN -1 ELSE 0 END);
    ELSIF NEW.demo IS DISTINCT FROM OLD.demo THEN
        PERFORM totals_add('demo_members', CASE WHEN NEW.demo THEN 1 ELSE -1 END);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- One trigger per event, named as SQLite's are (which has no trigger for several events).
CREATE TRIGGER members_total_insert AFTER INSERT ON members
FOR EACH ROW EXECUTE FUNCTION members_total();
CREATE TRIGGER members_total_delete AFTER DELETE ON members
FOR EACH ROW EXECUTE FUNCTION members_total();
CREATE TRIGGER members_total_demo AFTER UPDATE OF demo ON members
FOR EACH ROW EXECUTE FUNCTION members_total();

-- Counts rows of the table named by the trigger's argument in `totals`.
CREATE FUNCTION rows_total() RETURNS TRIGGER AS $$
BEGIN
    PERFORM totals_add(TG_ARGV[0], CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER plans_total_insert AFTER INSERT ON action_plans
FOR EACH ROW EXECUTE FUNCTION rows_total('plans');
CREATE TRIGGER plans_total_delete AFTER DELETE ON action_plans
FOR EACH ROW EXECUTE FUNCTION rows_total('plans');
CREATE TRIGGER commitments_total_insert AFTER INSERT ON commitments
FOR EACH ROW EXECUTE FUNCTION rows_total('commitments');
CREATE TRIGGER commitments_total_delete AFTER DELETE ON commitments
FOR EACH ROW EXECUTE FUNCTION rows_total('commitments');

CREATE FUNCTION milestones_total() RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM totals_add('milestones', 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM totals_add('milestones', -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM totals_add('completed_milestones',
            CASE WHEN OLD.status = 'completed' THEN -1 ELSE 0 END);
        PERFORM open_milestone_add(OLD.status, OLD.planned_end, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM totals_add('completed_milestones',
            CASE WHEN NEW.status = 'completed' THEN 1 ELSE 0 END);
        PERFORM open_milestone_add(NEW.status, NEW.planned_end, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER milestones_total_insert AFTER INSERT ON milestones
FOR EACH ROW EXECUTE FUNCTION milestones_total();
CREATE TRIGGER milestones_total_delete AFTER DELETE ON milestones
FOR EACH ROW EXECUTE FUNCTION milestones_total();
CREATE TRIGGER milestones_total_update AFTER UPDATE OF status, planned_end ON milestones
FOR EACH ROW
WHEN (NEW.status IS DISTINCT FROM OLD.status OR NEW.planned_end IS DISTINCT FROM OLD.planned_end)
EXECUTE FUNCTION milestones_total();

-- How many indicators the sources of a commitment's published assessments disagree on (the
-- rule of domain::comparison), kept by the writes that publish assessments, so that the plan
-- and member pages list the most disagreeing commitments without comparing every score.
-- The tracker computes it for the commitments left NULL here when it starts.
ALTER TABLE commitments ADD COLUMN disagreements BIGINT DEFAULT 0;
UPDATE commitments SET disagreements = NULL
WHERE id IN (SELECT commitment_id FROM assessments WHERE status = 'published');
CREATE INDEX commitments_disagreements ON commitments (plan_id, disagreements)
WHERE disagreements > 0;
