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

-- The change of one score of the assessment `assessment` by `delta`, if it is published.
CREATE FUNCTION score_change(assessment BIGINT, score_indicator TEXT, score_value TEXT,
    delta BIGINT) RETURNS VOID AS $$
    INSERT INTO score_changes (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, a.scale, a.stage, a.source, score_indicator, score_value, delta
    FROM assessments a JOIN commitments c ON c.id = a.commitment_id
    WHERE a.id = assessment AND a.status = 'published';
$$ LANGUAGE sql;

CREATE FUNCTION assessment_scores_total() RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM score_change(OLD.assessment_id, OLD.indicator, OLD.value, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM score_change(NEW.assessment_id, NEW.indicator, NEW.value, 1);
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

-- All the scores of an assessment counted (1) or no longer counted (-1).
CREATE FUNCTION assessment_scores_change(assessment assessments, delta BIGINT)
RETURNS VOID AS $$
    INSERT INTO score_changes (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, assessment.scale, assessment.stage, assessment.source, s.indicator,
        s.value, delta
    FROM assessment_scores s JOIN commitments c ON c.id = assessment.commitment_id
    WHERE s.assessment_id = assessment.id;
$$ LANGUAGE sql;

CREATE FUNCTION assessments_total() RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM assessment_scores_change(OLD, -1);
        RETURN OLD;
    END IF;
    PERFORM assessment_scores_change(NEW, CASE WHEN NEW.status = 'published' THEN 1 ELSE -1 END);
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
