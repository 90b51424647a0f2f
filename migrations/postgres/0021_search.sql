-- Full-text search over commitments, their milestones and their progress updates: one row
-- per commitment, its text folded by the storage layer (app::domain::search::index_text)
-- before it is written, so that SQLite and PostgreSQL index the same words; the title
-- weighs A, the commitment's other text B, its milestones C and its updates D. Kept in
-- step with the other database's 0021_search.sql. The storage layer writes it in the
-- transaction of every write that changes the text, and rebuilds it all when
-- `search_state.version` is behind its own (rows are filled on the first start after this
-- migration).
CREATE TABLE search_index (
    commitment_id BIGINT PRIMARY KEY REFERENCES commitments (id) ON DELETE CASCADE,
    document TSVECTOR NOT NULL
);
CREATE INDEX search_index_document ON search_index USING GIN (document);

CREATE TABLE search_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO search_state (id, version) VALUES (1, 0);
