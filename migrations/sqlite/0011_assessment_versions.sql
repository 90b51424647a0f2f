-- Assessments scored in the tracker by civil-society reviewers and IRM researchers: a
-- draft until published; a published one is never edited, a new version supersedes it and
-- both stay. One draft and one published assessment at most per scorer (source and
-- organisation), commitment, stage and scale set. Each score may cite evidence links.
-- Everything stored before is published. SQLite cannot drop the old unique constraint,
-- so the table is rebuilt (foreign-key checks are off while migrations run). Kept in step
-- with ../postgres/0011_assessment_versions.sql.
CREATE TABLE assessments_new (
    id INTEGER PRIMARY KEY,
    commitment_id INTEGER NOT NULL REFERENCES commitments (id),
    source TEXT NOT NULL,
    assessor TEXT NOT NULL,
    stage TEXT NOT NULL,
    scale TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL DEFAULT 'published'
        CONSTRAINT assessments_status CHECK (status IN ('draft', 'published', 'superseded')),
    version INTEGER NOT NULL DEFAULT 1,
    author_id INTEGER REFERENCES users (id),
    published_at TIMESTAMPTZ,
    superseded_by INTEGER REFERENCES assessments (id)
);
INSERT INTO assessments_new (id, commitment_id, source, assessor, stage, scale, created_at,
    status, version, author_id, published_at, superseded_by)
SELECT id, commitment_id, source, assessor, stage, scale, created_at,
    'published', 1, NULL, created_at, NULL
FROM assessments;
DROP TABLE assessments;
ALTER TABLE assessments_new RENAME TO assessments;
CREATE UNIQUE INDEX assessments_one_draft
    ON assessments (commitment_id, source, assessor, stage, scale) WHERE status = 'draft';
CREATE UNIQUE INDEX assessments_one_published
    ON assessments (commitment_id, source, assessor, stage, scale) WHERE status = 'published';
-- The partial indexes above serve only their status; a commitment's every version is read by
-- its pages and commands.
CREATE INDEX assessments_commitment ON assessments (commitment_id);

CREATE TABLE assessment_evidence (
    id INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL
);
CREATE INDEX assessment_evidence_assessment ON assessment_evidence (assessment_id);
