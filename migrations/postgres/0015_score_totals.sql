-- The published scores of each plan's commitments, counted by level, kept in the same
-- transaction as every write that publishes, supersedes, replaces or deletes them. Kept in
-- step with ../sqlite/0015_score_totals.sql, which says why and how.
-- The counted tables are locked first, so a write from another app server cannot commit
-- between the count below and the triggers' creation and be left out for good.
LOCK TABLE commitments, assessments, assessment_scores IN SHARE ROW EXCLUSIVE MODE;
CREATE TABLE score_totals (
    plan_id BIGINT NOT NULL,
    scale TEXT NOT NULL,
    stage TEXT NOT NULL,
    source TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (plan_id, scale, stage, source, indicator, value)
);
CREATE INDEX score_totals_zero ON score_totals (plan_id) WHERE n = 0;
INSERT INTO score_totals (plan_id, scale, stage, source, indicator, value, n)
SELECT c.plan_id, a.scale, a.stage, a.source, s.indicator, s.value, COUNT(*)
FROM assessment_scores s
JOIN assessments a ON a.id = s.assessment_id AND a.status = 'published'
JOIN commitments c ON c.id = a.commitment_id
GROUP BY c.plan_id, a.scale, a.stage, a.source, s.indicator, s.value;

CREATE TABLE score_changes (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL,
    scale TEXT NOT NULL,
    stage TEXT NOT NULL,
    source TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value TEXT NOT NULL,
    n BIGINT NOT NULL
);
CREATE INDEX score_changes_plan ON score_changes (plan_id);

-- Row by row, in plpgsql, whose statements are planned once per session (a SQL function
-- called per row is planned on every call: an import of the IRM's file took three times as
-- long that way; a statement trigger made demo data half as slow again, bench/RESULTS.md).
CREATE FUNCTION assessment_scores_total() RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO score_changes (plan_id, scale, stage, source, indicator, value, n)
        SELECT c.plan_id, a.scale, a.stage, a.source, OLD.indicator, OLD.value, -1
        FROM assessments a JOIN commitments c ON c.id = a.commitment_id
        WHERE a.id = OLD.assessment_id AND a.status = 'published';
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO score_changes (plan_id, scale, stage, source, indicator, value, n)
        SELECT c.plan_id, a.scale, a.stage, a.source, NEW.indicator, NEW.value, 1
        FROM assessments a JOIN commitments c ON c.id = a.commitment_id
        WHERE a.id = NEW.assessment_id AND a.status = 'published';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessment_scores_total_insert AFTER INSERT ON assessment_scores
FOR EACH ROW EXECUTE FUNCTION assessment_scores_total();
CREATE TRIGGER assessment_scores_total_delete AFTER DELETE ON assessment_scores
FOR EACH ROW EXECUTE FUNCTION assessment_scores_total();
CREATE TRIGGER assessment_scores_total_update
AFTER UPDATE OF assessment_id, indicator, value ON assessment_scores
FOR EACH ROW EXECUTE FUNCTION assessment_scores_total();

-- All the scores of an assessment counted (published) or no longer counted.
CREATE FUNCTION assessments_total() RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO score_changes (plan_id, scale, stage, source, indicator, value, n)
        SELECT c.plan_id, OLD.scale, OLD.stage, OLD.source, s.indicator, s.value, -1
        FROM assessment_scores s JOIN commitments c ON c.id = OLD.commitment_id
        WHERE s.assessment_id = OLD.id;
        RETURN OLD;
    END IF;
    INSERT INTO score_changes (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, NEW.scale, NEW.stage, NEW.source, s.indicator, s.value,
        CASE WHEN NEW.status = 'published' THEN 1 ELSE -1 END
    FROM assessment_scores s JOIN commitments c ON c.id = NEW.commitment_id
    WHERE s.assessment_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessments_total_status AFTER UPDATE OF status ON assessments
FOR EACH ROW
WHEN ((NEW.status = 'published') IS DISTINCT FROM (OLD.status = 'published'))
EXECUTE FUNCTION assessments_total();
CREATE TRIGGER assessments_total_delete BEFORE DELETE ON assessments
FOR EACH ROW WHEN (OLD.status = 'published')
EXECUTE FUNCTION assessments_total();
