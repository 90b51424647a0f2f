-- The overview lists the latest updates by (created_at, id). On PostgreSQL, with the time
-- alone indexed, updates sharing a timestamp (a plan's upload, the demo data) were all read
-- and sorted to pick ten: 771 rows at demo scale 10. SQLite's index already ended with the
-- row id; it gets the same index so that both schemas stay the same.
CREATE INDEX progress_updates_recent ON progress_updates (created_at, id);
DROP INDEX progress_updates_created;
