-- Which commitments each write changed, for the facts that searches and dashboards count
-- (`storage::search`): an app server that worked them out at one version works out again
-- only the commitments written since, instead of every one (seconds at demo scale 10).
--
-- A write adds its rows (`seq` and `version` empty) in its own transaction; its commit
-- counts `change_seq` up and fills them in, after taking the site version's row, so that
-- numbers are given in the order writes commit. A commit with no row adds one without a
-- commitment: anything may have changed, and readers work every commitment out again.
ALTER TABLE site_version ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
CREATE TABLE fact_changes (
    seq BIGINT,
    version BIGINT,
    commitment_id BIGINT
);
CREATE INDEX fact_changes_seq ON fact_changes (seq);
