-- The pages of a policy area, an OGP value and a lead institution find their commitments by
-- these (storage::ScopeFilter); the keys of the first two start with the commitment. Kept
-- in step with the other database's 0020_explore_indexes.sql.
CREATE INDEX commitment_policy_areas_area ON commitment_policy_areas (policy_area_id, commitment_id);
CREATE INDEX commitment_values_value ON commitment_values (value, commitment_id);
CREATE INDEX commitments_lead_institution ON commitments (lead_institution);
