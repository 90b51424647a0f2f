-- Migration 0012's counts, kept the same way, without a SQL function called per row: a SQL
-- function that writes is planned again on every call, while plpgsql plans each statement
-- once per session (imports of OGP's files 10 to 16% faster, bench/RESULTS.md). The
-- trigger functions are replaced in place, so the triggers, named as SQLite's, stay as they
-- are. PostgreSQL only: SQLite's triggers already write their rows directly.
CREATE OR REPLACE FUNCTION members_total() RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO total_changes (name, n) VALUES ('members', 1);
        IF NEW.demo THEN
            INSERT INTO total_changes (name, n) VALUES ('demo_members', 1);
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO total_changes (name, n) VALUES ('members', -1);
        IF OLD.demo THEN
            INSERT INTO total_changes (name, n) VALUES ('demo_members', -1);
        END IF;
    ELSIF NEW.demo IS DISTINCT FROM OLD.demo THEN
        INSERT INTO total_changes (name, n)
        VALUES ('demo_members', CASE WHEN NEW.demo THEN 1 ELSE -1 END);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION rows_total() RETURNS TRIGGER AS $$
BEGIN
    INSERT INTO total_changes (name, n)
    VALUES (TG_ARGV[0], CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- A milestone in the counts: all milestones, the completed ones, and the open ones of its
-- planned end (a closed milestone or one without a planned end is in no date's count). An
-- update takes the old row out and puts the new one in; each event is one statement.
CREATE OR REPLACE FUNCTION milestones_total() RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO total_changes (name, planned_end, n)
        SELECT c.name, c.planned_end, c.n FROM (VALUES
            ('milestones', NULL::DATE, 1::BIGINT),
            ('completed_milestones', NULL, CASE WHEN NEW.status = 'completed' THEN 1 ELSE 0 END),
            ('open_milestones', NEW.planned_end,
                CASE WHEN NEW.status NOT IN ('completed', 'withdrawn')
                    AND NEW.planned_end IS NOT NULL THEN 1 ELSE 0 END)
        ) AS c (name, planned_end, n) WHERE c.n <> 0;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO total_changes (name, planned_end, n)
        SELECT c.name, c.planned_end, c.n FROM (VALUES
            ('milestones', NULL::DATE, -1::BIGINT),
            ('completed_milestones', NULL, CASE WHEN OLD.status = 'completed' THEN -1 ELSE 0 END),
            ('open_milestones', OLD.planned_end,
                CASE WHEN OLD.status NOT IN ('completed', 'withdrawn')
                    AND OLD.planned_end IS NOT NULL THEN -1 ELSE 0 END)
        ) AS c (name, planned_end, n) WHERE c.n <> 0;
    ELSE
        INSERT INTO total_changes (name, planned_end, n)
        SELECT c.name, c.planned_end, c.n FROM (VALUES
            ('completed_milestones', NULL::DATE,
                ((CASE WHEN NEW.status = 'completed' THEN 1 ELSE 0 END)
                - (CASE WHEN OLD.status = 'completed' THEN 1 ELSE 0 END))::BIGINT),
            ('open_milestones', OLD.planned_end,
                CASE WHEN OLD.status NOT IN ('completed', 'withdrawn')
                    AND OLD.planned_end IS NOT NULL THEN -1 ELSE 0 END),
            ('open_milestones', NEW.planned_end,
                CASE WHEN NEW.status NOT IN ('completed', 'withdrawn')
                    AND NEW.planned_end IS NOT NULL THEN 1 ELSE 0 END)
        ) AS c (name, planned_end, n) WHERE c.n <> 0;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP FUNCTION total_change(TEXT, BIGINT);
DROP FUNCTION open_milestone_change(TEXT, DATE, BIGINT);
