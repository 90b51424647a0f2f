//! Commitments: the unit OGP tracks.

use super::assessment::{Assessment, OgpValue, StarInputs, StarRule};
use super::levels::{Completion, MissingCode, PotentialImpact};
use super::member::Member;
use super::milestone::Milestone;
use super::plan::ActionPlan;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Commitment {
    /// Member prefix + 4-digit running number, e.g. `AR0045`.
    pub code: String,
    /// True when the ID was derived on import (the source file carried none).
    pub code_derived: bool,
    pub plan_key: String,
    /// Number within the plan, as text: "3", "1.2", "II.4".
    pub number: String,
    pub title: String,
    pub short_title: Option<String>,
    pub full_text: Option<String>,
    pub theme: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub lead_institution: Option<String>,
    pub supporting_institutions: Option<String>,
    pub values: Vec<OgpValue>,
    pub policy_areas: Vec<String>,
    pub carried_forward: Option<bool>,
    pub active: Option<bool>,
    pub cluster_ids: Option<String>,
    pub source_url: Option<String>,
    pub budget: Option<Budget>,
    pub demo: bool,
    /// The problem it addresses, as its point of contact puts it.
    pub problem: Option<String>,
    /// Entered in the tracker by a point of contact. Imported commitments keep the fields
    /// the IRM's data holds (values, theme, cluster, carried forward, active) read-only.
    pub entered: bool,
    /// Set when withdrawn: the commitment is kept and shown as withdrawn, never deleted.
    pub withdrawal: Option<Withdrawal>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Withdrawal {
    pub on: NaiveDate,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub funding_source: Option<String>,
    pub funded: Option<bool>,
}

/// The original text of a field the tracker could not store as a value: one of OGP's
/// missing-value codes, or text it could not read, kept as it was.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawValue {
    pub field: String,
    pub raw: String,
}

impl RawValue {
    pub fn missing_code(&self) -> Option<MissingCode> {
        MissingCode::parse_label(&self.raw)
    }
}

/// A commitment as listed on a plan page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommitmentSummary {
    pub code: String,
    pub number: String,
    pub title: String,
    pub lead_institution: Option<String>,
    pub milestones: i64,
    pub overdue_milestones: i64,
    pub progress: Option<f64>,
    pub potential_impact: Option<PotentialImpact>,
    pub completion: Option<Completion>,
    pub withdrawn: bool,
}

/// Everything the commitment page shows, loaded in a fixed number of queries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommitmentDetail {
    pub commitment: Commitment,
    pub plan: ActionPlan,
    pub member: Member,
    pub milestones: Vec<Milestone>,
    pub assessments: Vec<Assessment>,
    pub raw_values: Vec<RawValue>,
    /// The day it was read, which decides which milestones are overdue.
    pub as_of: chrono::NaiveDate,
    /// The commitment's version: an edit names the one it was made from.
    pub version: i64,
}

impl CommitmentDetail {
    pub fn roll_up(&self) -> super::milestone::RollUp {
        super::milestone::RollUp::of(&self.milestones)
    }

    pub fn progress(&self) -> Option<f64> {
        self.roll_up().progress()
    }

    pub fn star_rule(&self) -> StarRule {
        StarRule::for_plan_year(self.plan.year_submitted)
    }

    /// Starred status computed from the IRM's classic scores, never typed in.
    pub fn starred(&self) -> Option<bool> {
        StarInputs::from_assessments(&self.assessments).starred(self.star_rule())
    }

    /// The starred rule's conditions and whether the scores meet each: why the commitment
    /// is starred or not.
    pub fn star_checks(&self) -> [super::assessment::StarCheck; 4] {
        StarInputs::from_assessments(&self.assessments).checks(self.star_rule())
    }

    pub fn raw_value(&self, field: &str) -> Option<&RawValue> {
        self.raw_values.iter().find(|r| r.field == field)
    }
}

/// The overview's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub members: i64,
    pub plans: i64,
    pub commitments: i64,
    pub milestones: i64,
    pub completed_milestones: i64,
    pub overdue_milestones: i64,
    pub demo: bool,
    pub recent_updates: Vec<super::RecentUpdate>,
}
