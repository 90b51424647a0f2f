//! Milestones and their append-only progress updates.

use super::history::PublicActor;
use super::levels::MilestoneStatus;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub id: i64,
    pub position: i64,
    pub title: String,
    pub description: Option<String>,
    pub responsible_institution: Option<String>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    /// Set exactly while the status is completed (then progress is 100).
    pub completed_on: Option<NaiveDate>,
    pub status: MilestoneStatus,
    /// 0-100.
    pub progress: i64,
    pub weight: f64,
    /// Raised by every change; an edit names the version it was made from.
    pub version: i64,
    pub latest_update: Option<ProgressUpdate>,
}

impl Milestone {
    /// Overdue on `today`: past its planned end and neither completed nor withdrawn. It is
    /// worked out when shown, never stored, so it cannot go stale; the storage layer counts
    /// with the same rule (`storage::OVERDUE`).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !matches!(
            self.status,
            MilestoneStatus::Completed | MilestoneStatus::Withdrawn
        ) && self.planned_end.is_some_and(|end| end < today)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvidenceLink {
    pub url: String,
    pub title: String,
}

/// A report on a milestone; never edited in place, a correction is a new update.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressUpdate {
    pub id: i64,
    /// Who wrote it, publicly: a role and an institution, shown in the reader's language.
    pub author: PublicActor,
    pub created_at: DateTime<Utc>,
    pub status: MilestoneStatus,
    pub progress: i64,
    pub narrative: String,
    pub evidence: Vec<EvidenceLink>,
    pub corrects: Option<i64>,
}

/// A milestone's own page: where it sits, its state and every update, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MilestoneDetail {
    pub milestone: Milestone,
    pub commitment_code: String,
    pub commitment_title: String,
    pub member_code: String,
    pub lead_institution: Option<String>,
    pub demo: bool,
    pub updates: Vec<ProgressUpdate>,
    /// The day it was read, which decides what is overdue.
    pub as_of: NaiveDate,
}

/// A recent update as shown on the overview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecentUpdate {
    pub commitment_code: String,
    pub commitment_title: String,
    pub milestone_title: String,
    pub author: PublicActor,
    pub created_at: DateTime<Utc>,
    pub status: MilestoneStatus,
    pub progress: i64,
}

/// A commitment's progress as the weighted mean of its milestones' progress;
/// `None` without milestones. The formula is shown to the public beside the number.
pub fn rolled_up_progress(milestones: &[(i64, f64)]) -> Option<f64> {
    let total_weight: f64 = milestones.iter().map(|(_, w)| w).sum();
    if milestones.is_empty() || total_weight <= 0.0 {
        return None;
    }
    Some(
        milestones
            .iter()
            .map(|(progress, weight)| *progress as f64 * weight)
            .sum::<f64>()
            / total_weight,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_a_weighted_mean() {
        assert_eq!(rolled_up_progress(&[]), None);
        assert_eq!(rolled_up_progress(&[(100, 1.0), (0, 1.0)]), Some(50.0));
        assert_eq!(rolled_up_progress(&[(100, 3.0), (0, 1.0)]), Some(75.0));
    }

    #[test]
    fn overdue_is_past_the_planned_end_and_not_done() {
        use chrono::NaiveDate;
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let milestone = |status, planned_end| Milestone {
            id: 1,
            position: 1,
            title: "Law passed".into(),
            description: None,
            responsible_institution: None,
            planned_start: None,
            planned_end,
            completed_on: None,
            status,
            progress: 0,
            weight: 1.0,
            version: 1,
            latest_update: None,
        };
        let today = day(10);
        assert!(milestone(MilestoneStatus::InProgress, Some(day(9))).is_overdue(today));
        assert!(milestone(MilestoneStatus::NotStarted, Some(day(9))).is_overdue(today));
        assert!(
            !milestone(MilestoneStatus::InProgress, Some(day(10))).is_overdue(today),
            "due today"
        );
        assert!(!milestone(MilestoneStatus::Completed, Some(day(1))).is_overdue(today));
        assert!(!milestone(MilestoneStatus::Withdrawn, Some(day(1))).is_overdue(today));
        assert!(
            !milestone(MilestoneStatus::Delayed, None).is_overdue(today),
            "no planned end"
        );
    }
}
