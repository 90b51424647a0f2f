-- The published scores of each plan's commitments, counted by level, kept in the same
-- transaction as every write that publishes, supersedes, replaces or deletes them, so that
-- a plan's or a member's scores summary reads a few rows per plan instead of grouping every
-- score (it was the member page's costliest statement). Kept like migration 0012's totals:
-- triggers only append changes to `score_changes`, the tracker folds them into
-- `score_totals` now and then (storage::fold_total_changes), and a count is its row plus its
-- changes. Kept in step with ../postgres/0015_score_totals.sql.
-- A score counts while its assessment is published. Each trigger reads the row above the
-- one it fires for (a score's assessment, an assessment's commitment), so when a delete
-- cascades, only the first delete still sees what it removes and counts it once: the
-- assessment's trigger runs BEFORE its delete, as SQLite deletes the scores it cascades to
-- before any AFTER trigger runs.
-- A migration that rebuilds one of the counted tables must create its triggers again.
-- No foreign key to action_plans: the changes of a plan deleted with its scores sum to
-- zero, and the fold drops counts at zero.
CREATE TABLE score_totals (
    plan_id INTEGER NOT NULL,
    scale TEXT NOT NULL,
    stage TEXT NOT NULL,
    source TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value TEXT NOT NULL,
    n INTEGER NOT NULL,
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
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL,
    scale TEXT NOT NULL,
    stage TEXT NOT NULL,
    source TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value TEXT NOT NULL,
    n INTEGER NOT NULL
);
CREATE INDEX score_changes_plan ON score_changes (plan_id);

CREATE TRIGGER assessment_scores_total_insert AFTER INSERT ON assessment_scores BEGIN
    INSERT INTO score_changes (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, a.scale, a.stage, a.source, NEW.indicator, NEW.value, 1
    FROM assessments a JOIN commitments c ON c.id = a.commitment_id
    WHERE a.id = NEW.assessment_id AND a.status = 'published';
END;
CREATE TRIGGER assessment_scores_total_delete AFTER DELETE ON assessment_scores BEGIN
    INSERT INTO score_changes (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, a.scale, a.stage, a.source, OLD.indicator, OLD.value, -1
    FROM assessments a JOIN commitments c ON c.id = a.commitment_id
    WHERE a.id = OLD.assessment_id AND a.status = 'published';
END;
CREATE TRIGGER assessment_scores_total_update
AFTER UPDATE OF assessment_id, indicator, value ON assessment_scores BEGIN
    INSERT INTO score_changes (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, a.scale, a.stage, a.source, OLD.indicator, OLD.value, -1
    FROM assessments a JOIN commitments c ON c.id = a.commitment_id
    WHERE a.id = OLD.assessment_id AND a.status = 'published';
    INSERT INTO score_changes (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, a.scale, a.stage, a.source, NEW.indicator, NEW.value, 1
    FROM assessments a JOIN commitments c ON c.id = a.commitment_id
    WHERE a.id = NEW.assessment_id AND a.status = 'published';
END;
-- An assessment's levels and commitment are never changed once it has scores; its status
-- is (published, superseded).
CREATE TRIGGER assessments_total_status AFTER UPDATE OF status ON assessments
WHEN (NEW.status = 'published') IS NOT (OLD.status = 'published') BEGIN
    INSERT INTO score_changes (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, NEW.scale, NEW.stage, NEW.source, s.indicator, s.value,
        CASE WHEN NEW.status = 'published' THEN 1 ELSE -1 END
    FROM assessment_scores s JOIN commitments c ON c.id = NEW.commitment_id
    WHERE s.assessment_id = NEW.id;
END;
CREATE TRIGGER assessments_total_delete BEFORE DELETE ON assessments
WHEN OLD.status = 'published' BEGIN
    INSERT INTO score_changes (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, OLD.scale, OLD.stage, OLD.source, s.indicator, s.value, -1
    FROM assessment_scores s JOIN commitments c ON c.id = OLD.commitment_id
    WHERE s.assessment_id = OLD.id;
END;
