-- Which commitments each write changed, for the facts that searches and dashboards count
-- (`storage::search`): an app server that worked them out at one version works out again
-- only the commitments written since, instead of every one (seconds at demo scale 10).
--
-- A write adds its rows (`seq` and the versions empty) in its own transaction; its commit
-- counts `change_seq` up and fills them in, after taking the site version's row, so that
-- numbers are given in the order writes commit. A commit with no row adds one without a
-- commitment: anything may have changed, and readers work every commitment out again.
-- Each row also keeps the version its write started from (`previous_version`, set by the
-- same `UPDATE` from the old value), so that a reader finds any change of the version made
-- outside (by hand, or by an older app server) between two numbered writes, and works
-- every commitment out again.
ALTER TABLE site_version ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE site_version ADD COLUMN previous_version BIGINT NOT NULL DEFAULT 0;
CREATE TABLE fact_changes (
    id INTEGER PRIMARY KEY,
    seq BIGINT,
    version BIGINT,
    previous_version BIGINT,
    commitment_id BIGINT
);
CREATE INDEX fact_changes_seq ON fact_changes (seq);
