-- How many migrations the site's version was last changed for. A start that finds more
-- migrations applied than this gives the site a new version (and records the number) in
-- one transaction, so a start that applied migrations and then stopped before changing the
-- version leaves the change owed to the next start, not lost.
ALTER TABLE site_version ADD COLUMN migrations BIGINT NOT NULL DEFAULT 0;
