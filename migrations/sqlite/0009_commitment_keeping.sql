-- Commitments kept in the tracker by points of contact: the problem they address, whether
-- they were entered here (imported ones keep their IRM fields read-only), and withdrawal,
-- which keeps the commitment and says when and why. Kept in step with
-- ../postgres/0009_commitment_keeping.sql.
ALTER TABLE commitments ADD COLUMN problem TEXT;
ALTER TABLE commitments ADD COLUMN entered BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE commitments ADD COLUMN withdrawn_on DATE;
ALTER TABLE commitments ADD COLUMN withdrawal_reason TEXT
    CONSTRAINT commitments_withdrawal CHECK ((withdrawal_reason IS NULL) = (withdrawn_on IS NULL));
