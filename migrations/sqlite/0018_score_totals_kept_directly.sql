-- On SQLite the scores' triggers add to `score_totals` directly instead of appending to
-- `score_changes` for a fold. Migration 0015 appends because on PostgreSQL two transactions
-- adding to one count row would queue or deadlock; SQLite runs one write at a time, so
-- none waits on another here. Inserting an import's 4,585 scores took 20 ms with the
-- changes appended and folded, 12.5 ms with the counts added to directly
-- (bench/RESULTS.md). `score_changes` stays, empty, so that a count is still read as its
-- row plus its changes for both databases; counts left at zero are dropped by the fold
-- (storage::fold_total_changes), as before. PostgreSQL keeps 0015's triggers.
INSERT INTO score_totals (plan_id, scale, stage, source, indicator, value, n)
SELECT plan_id, scale, stage, source, indicator, value, SUM(n) FROM score_changes WHERE true
GROUP BY plan_id, scale, stage, source, indicator, value
ON CONFLICT (plan_id, scale, stage, source, indicator, value)
DO UPDATE SET n = score_totals.n + excluded.n;
DELETE FROM score_changes;

DROP TRIGGER assessment_scores_total_insert;
DROP TRIGGER assessment_scores_total_delete;
DROP TRIGGER assessment_scores_total_update;
DROP TRIGGER assessments_total_status;
DROP TRIGGER assessments_total_delete;

-- As in 0015, each trigger reads the row above the one it fires for, so a cascading delete
-- is counted once: by the assessment's trigger, which runs before its scores are deleted.
CREATE TRIGGER assessment_scores_total_insert AFTER INSERT ON assessment_scores BEGIN
    INSERT INTO score_totals (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, a.scale, a.stage, a.source, NEW.indicator, NEW.value, 1
    FROM assessments a JOIN commitments c ON c.id = a.commitment_id
    WHERE a.id = NEW.assessment_id AND a.status = 'published'
    ON CONFLICT (plan_id, scale, stage, source, indicator, value)
    DO UPDATE SET n = score_totals.n + excluded.n;
END;
CREATE TRIGGER assessment_scores_total_delete AFTER DELETE ON assessment_scores BEGIN
    INSERT INTO score_totals (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, a.scale, a.stage, a.source, OLD.indicator, OLD.value, -1
    FROM assessments a JOIN commitments c ON c.id = a.commitment_id
    WHERE a.id = OLD.assessment_id AND a.status = 'published'
    ON CONFLICT (plan_id, scale, stage, source, indicator, value)
    DO UPDATE SET n = score_totals.n + excluded.n;
END;
CREATE TRIGGER assessment_scores_total_update
AFTER UPDATE OF assessment_id, indicator, value ON assessment_scores BEGIN
    INSERT INTO score_totals (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, a.scale, a.stage, a.source, OLD.indicator, OLD.value, -1
    FROM assessments a JOIN commitments c ON c.id = a.commitment_id
    WHERE a.id = OLD.assessment_id AND a.status = 'published'
    ON CONFLICT (plan_id, scale, stage, source, indicator, value)
    DO UPDATE SET n = score_totals.n + excluded.n;
    INSERT INTO score_totals (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, a.scale, a.stage, a.source, NEW.indicator, NEW.value, 1
    FROM assessments a JOIN commitments c ON c.id = a.commitment_id
    WHERE a.id = NEW.assessment_id AND a.status = 'published'
    ON CONFLICT (plan_id, scale, stage, source, indicator, value)
    DO UPDATE SET n = score_totals.n + excluded.n;
END;
CREATE TRIGGER assessments_total_status AFTER UPDATE OF status ON assessments
WHEN (NEW.status = 'published') IS NOT (OLD.status = 'published') BEGIN
    INSERT INTO score_totals (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, NEW.scale, NEW.stage, NEW.source, s.indicator, s.value,
        CASE WHEN NEW.status = 'published' THEN 1 ELSE -1 END
    FROM assessment_scores s JOIN commitments c ON c.id = NEW.commitment_id
    WHERE s.assessment_id = NEW.id
    ON CONFLICT (plan_id, scale, stage, source, indicator, value)
    DO UPDATE SET n = score_totals.n + excluded.n;
END;
CREATE TRIGGER assessments_total_delete BEFORE DELETE ON assessments
WHEN OLD.status = 'published' BEGIN
    INSERT INTO score_totals (plan_id, scale, stage, source, indicator, value, n)
    SELECT c.plan_id, OLD.scale, OLD.stage, OLD.source, s.indicator, s.value, -1
    FROM assessment_scores s JOIN commitments c ON c.id = OLD.commitment_id
    WHERE s.assessment_id = OLD.id
    ON CONFLICT (plan_id, scale, stage, source, indicator, value)
    DO UPDATE SET n = score_totals.n + excluded.n;
END;
