-- Who wrote a progress update, as facts (role and institution) that pages render in the
-- reader's language, instead of an English sentence. Kept in step with
-- ../sqlite/0008_update_authors.sql.
ALTER TABLE progress_updates ADD COLUMN author_role TEXT
    CHECK (author_role IN ('admin', 'poc', 'reviewer', 'irm'));
ALTER TABLE progress_updates ADD COLUMN author_institution TEXT;

-- The sentences written so far: "Point of contact, <institution>" (or without one) and
-- "Administrator".
UPDATE progress_updates
SET author_role = 'poc',
    author_institution = NULLIF(TRIM(SUBSTR(author, LENGTH('Point of contact,') + 1)), '')
WHERE author = 'Point of contact' OR author LIKE 'Point of contact,%';
UPDATE progress_updates SET author_role = 'admin' WHERE author = 'Administrator';
-- Anything else names its writer without a role: kept whole, as the institution.
UPDATE progress_updates
SET author_institution = author
WHERE author_role IS NULL AND TRIM(author) <> '';

ALTER TABLE progress_updates DROP COLUMN author;
