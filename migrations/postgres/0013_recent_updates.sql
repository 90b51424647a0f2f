-- The overview lists the latest updates by (created_at, id). With the time alone indexed,
-- updates sharing a timestamp (a plan's upload, the demo data) were all read and sorted
-- to pick ten: 771 rows at demo scale 10. With the id in the index the ten are read in order.
CREATE INDEX progress_updates_recent ON progress_updates (created_at, id);
DROP INDEX progress_updates_created;
