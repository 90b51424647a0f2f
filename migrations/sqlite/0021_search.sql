-- Full-text search over commitments, their milestones and their progress updates: one row
-- per commitment (its rowid is the commitment's id), each column the text of one kind,
-- folded by the storage layer (app::domain::search::index_text) before it is written, so
-- that SQLite and PostgreSQL index the same words. Kept in step with the other database's
-- 0021_search.sql. The storage layer writes it in the transaction of every write that
-- changes the text, and rebuilds it all when `search_state.version` is behind its own
-- (rows are filled on the first start after this migration).
CREATE VIRTUAL TABLE search_index USING fts5 (
    title,
    body,
    milestones,
    updates,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '3'
);

CREATE TABLE search_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO search_state (id, version) VALUES (1, 0);
