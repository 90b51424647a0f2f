-- Files attached to progress updates as evidence, kept in the database so that every app
-- server sees them. Append-only like the updates they belong to. Kept in step with
-- ../postgres/0010_evidence_files.sql.
CREATE TABLE evidence_files (
    id INTEGER PRIMARY KEY,
    update_id INTEGER NOT NULL REFERENCES progress_updates (id),
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL CHECK (size_bytes > 0),
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL
);
CREATE INDEX evidence_files_update ON evidence_files (update_id);
