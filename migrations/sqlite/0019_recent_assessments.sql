-- The feeds of new assessments list the latest published ones (storage::recent_assessments);
-- without an index every assessment was read and sorted to pick fifty. Kept in step with
-- the other database's 0019_recent_assessments.sql.
CREATE INDEX assessments_recent ON assessments (published_at, id);
