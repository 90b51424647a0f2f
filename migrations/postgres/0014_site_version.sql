-- One number that changes in every transaction writing what a public page shows: the
-- storage layer's `Tx::commit` sets it, in the same transaction, to a fresh random number.
-- App servers keep rendered public pages under it and read it on every request, so no app
-- server ever answers with a page from before the latest write. Random rather than counted
-- up, so that a database restored from a backup never repeats a number a server has seen.
CREATE TABLE site_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO site_version (id, version) VALUES (1, 0);
