//! Action plans: one member's plan for one cycle.

use super::levels::*;
use super::member::Member;
use crate::i18n::Key;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

level_enum! {
    PlanStatus {
        Draft = "draft" => PlanDraft,
        Active = "active" => PlanActive | "implementation",
        Completed = "completed" => PlanCompleted,
    }
}

impl PlanStatus {
    /// The one status a plan moves on to: a draft is published into implementation, which
    /// then ends. A plan never moves back.
    pub fn next(self) -> Option<PlanStatus> {
        match self {
            PlanStatus::Draft => Some(PlanStatus::Active),
            PlanStatus::Active => Some(PlanStatus::Completed),
            PlanStatus::Completed => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionPlan {
    /// `AP_<member code><NN>`, e.g. `AP_ARG03`.
    pub key: String,
    pub member_code: String,
    pub number: i64,
    pub title: Option<String>,
    pub year_submitted: Option<i64>,
    pub end_year: Option<i64>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub status: PlanStatus,
    pub document_url: Option<String>,
}

impl ActionPlan {
    pub fn key_for(member_code: &str, number: i64) -> String {
        format!("AP_{member_code}{number:02}")
    }

    /// "2017–2019" from the years known.
    pub fn period(&self) -> String {
        match (self.year_submitted, self.end_year) {
            (Some(start), Some(end)) => format!("{start}–{end}"),
            (Some(start), None) => start.to_string(),
            (None, Some(end)) => format!("–{end}"),
            (None, None) => String::new(),
        }
    }
}

/// A plan as listed, with its commitment count and progress roll-up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanSummary {
    pub plan: ActionPlan,
    pub commitments: i64,
    /// Mean of the commitments' progress, where milestones exist.
    pub progress: Option<f64>,
    pub overdue_milestones: i64,
}

/// A plan with every commitment in full (up to [`PrintedPlan::MOST`]), to print.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrintedPlan {
    pub plan: ActionPlan,
    pub member: super::Member,
    pub commitments: Vec<super::CommitmentDetail>,
    pub total_commitments: i64,
}

impl PrintedPlan {
    /// Commitments printed at most: more than any plan in OGP's data holds.
    pub const MOST: i64 = 500;
}

/// Everything the plan page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanDetail {
    pub plan: ActionPlan,
    pub member: Member,
    pub commitments: Vec<super::CommitmentSummary>,
    pub total_commitments: i64,
    /// The plan's version: an edit names the one it was made from.
    pub version: i64,
}
