-- Assessments scored in the tracker by civil-society reviewers and IRM researchers: a
-- draft until published; a published one is never edited, a new version supersedes it and
-- both stay. One draft and one published assessment at most per scorer (source and
-- organisation), commitment, stage and scale set. Each score may cite evidence links.
-- Everything stored before is published. Kept in step with
-- ../sqlite/0011_assessment_versions.sql.
ALTER TABLE assessments DROP CONSTRAINT assessments_commitment_id_source_assessor_stage_scale_key;
ALTER TABLE assessments ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CONSTRAINT assessments_status CHECK (status IN ('draft', 'published', 'superseded'));
ALTER TABLE assessments ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE assessments ADD COLUMN author_id BIGINT REFERENCES users (id);
ALTER TABLE assessments ADD COLUMN published_at TIMESTAMPTZ;
ALTER TABLE assessments ADD COLUMN superseded_by BIGINT REFERENCES assessments (id);
UPDATE assessments SET published_at = created_at;
CREATE UNIQUE INDEX assessments_one_draft
    ON assessments (commitment_id, source, assessor, stage, scale) WHERE status = 'draft';
CREATE UNIQUE INDEX assessments_one_published
    ON assessments (commitment_id, source, assessor, stage, scale) WHERE status = 'published';
-- The partial indexes above serve only their status; a commitment's every version is read by
-- its pages and commands.
CREATE INDEX assessments_commitment ON assessments (commitment_id);

CREATE TABLE assessment_evidence (
    id BIGSERIAL PRIMARY KEY,
    assessment_id BIGINT NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL
);
CREATE INDEX assessment_evidence_assessment ON assessment_evidence (assessment_id);
