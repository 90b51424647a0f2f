-- Totals kept in the same transaction as every write, so that the overview answers from a
-- few rows however many milestones there are, on every app server alike (PostgreSQL). Kept
-- in step with ../sqlite/0012_maintained_totals.sql, which says how the counts are kept.
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

CREATE TABLE total_changes (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    planned_end DATE,
    n BIGINT NOT NULL
);

-- Appends a change of `delta` to the count `total` (nothing for no change).
CREATE FUNCTION total_change(total TEXT, delta BIGINT) RETURNS VOID AS $$
    INSERT INTO total_changes (name, n) SELECT total, delta WHERE delta <> 0;
$$ LANGUAGE sql;

-- Counts a milestone in (delta 1) or out of (delta -1) the open milestones of its end date;
-- a closed milestone or one without a planned end is in no date's count.
CREATE FUNCTION open_milestone_change(milestone_status TEXT, ends DATE, delta BIGINT)
RETURNS VOID AS $$
    INSERT INTO total_changes (name, planned_end, n)
    SELECT 'open_milestones', ends, delta
    WHERE milestone_status NOT IN ('completed', 'withdrawn') AND ends IS NOT NULL;
$$ LANGUAGE sql;

CREATE FUNCTION members_total() RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM total_change('members', 1);
        PERFORM total_change('demo_members', CASE WHEN NEW.demo THEN 1 ELSE 0 END);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM total_change('members', -1);
        PERFORM total_change('demo_members', CASE WHEN OLD.demo THEN -1 ELSE 0 END);
    ELSIF NEW.demo IS DISTINCT FROM OLD.demo THEN
        PERFORM total_change('demo_members', CASE WHEN NEW.demo THEN 1 ELSE -1 END);
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

-- Counts rows of the table named by the trigger's argument.
CREATE FUNCTION rows_total() RETURNS TRIGGER AS $$
BEGIN
    PERFORM total_change(TG_ARGV[0], CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END);
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
        PERFORM total_change('milestones', 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM total_change('milestones', -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM total_change('completed_milestones',
            CASE WHEN OLD.status = 'completed' THEN -1 ELSE 0 END);
        PERFORM open_milestone_change(OLD.status, OLD.planned_end, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM total_change('completed_milestones',
            CASE WHEN NEW.status = 'completed' THEN 1 ELSE 0 END);
        PERFORM open_milestone_change(NEW.status, NEW.planned_end, 1);
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
