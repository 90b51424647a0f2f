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

/// A file attached to an update as evidence; its content is served at [`EvidenceFile::path`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvidenceFile {
    pub id: i64,
    pub name: String,
    pub media_type: String,
    pub size_bytes: i64,
}

impl EvidenceFile {
    /// Where the file is served; the name is for the reader and the browser's download.
    pub fn path(&self) -> String {
        let name: String = self
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("/files/{}/{name}", self.id)
    }
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
    pub files: Vec<EvidenceFile>,
    /// The earlier update of the same milestone this one corrects.
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

/// A commitment's progress worked out from its milestones: the weighted mean of the
/// progress of those not withdrawn (a withdrawn milestone will not be delivered, so it
/// neither helps nor holds back). The storage layer sums the same way
/// (`storage::plans::COMMITMENT_PROGRESS`), and pages show the formula with its figures.
#[derive(Clone, Debug, PartialEq)]
pub struct RollUp {
    /// (progress, weight) of each milestone counted, in the commitment's order.
    pub parts: Vec<(i64, f64)>,
}

impl RollUp {
    pub fn of(milestones: &[Milestone]) -> RollUp {
        RollUp {
            parts: milestones
                .iter()
                .filter(|m| m.status != MilestoneStatus::Withdrawn)
                .map(|m| (m.progress, m.weight))
                .collect(),
        }
    }

    pub fn progress(&self) -> Option<f64> {
        rolled_up_progress(&self.parts)
    }

    /// The sum with its figures, `(40 × 1 + 100 × 2) ÷ (1 + 2) = 80`, or `None` when
    /// there is nothing to sum. Numbers only, so it reads the same in every language.
    pub fn formula(&self) -> Option<String> {
        let progress = self.progress()?;
        let products: Vec<String> = self
            .parts
            .iter()
            .map(|(p, w)| format!("{p} × {}", figure(*w)))
            .collect();
        let weights: Vec<String> = self.parts.iter().map(|(_, w)| figure(*w)).collect();
        Some(format!(
            "({}) ÷ ({}) = {}",
            products.join(" + "),
            weights.join(" + "),
            figure((progress * 10.0).round() / 10.0)
        ))
    }
}

/// A number as a person writes it: no trailing `.0`.
pub fn figure(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

/// The weighted mean of (progress, weight) pairs; `None` without any or when the weights
/// add up to nothing.
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
        assert_eq!(
            rolled_up_progress(&[(100, 0.0)]),
            None,
            "weights add up to nothing"
        );
    }

    #[test]
    fn the_roll_up_leaves_withdrawn_milestones_out_and_shows_its_sum() {
        let milestone = |status, progress, weight| Milestone {
            status,
            progress,
            weight,
            ..sample(MilestoneStatus::InProgress, None)
        };
        let roll_up = RollUp::of(&[
            milestone(MilestoneStatus::InProgress, 40, 1.0),
            milestone(MilestoneStatus::Completed, 100, 2.0),
            milestone(MilestoneStatus::Withdrawn, 0, 5.0),
            milestone(MilestoneStatus::NotStarted, 0, 0.5),
        ]);
        assert_eq!(roll_up.parts, vec![(40, 1.0), (100, 2.0), (0, 0.5)]);
        assert_eq!(roll_up.progress(), Some(240.0 / 3.5));
        assert_eq!(
            roll_up.formula().as_deref(),
            Some("(40 × 1 + 100 × 2 + 0 × 0.5) ÷ (1 + 2 + 0.5) = 68.6")
        );
        assert_eq!(RollUp::of(&[]).formula(), None);
        let all_withdrawn = RollUp::of(&[milestone(MilestoneStatus::Withdrawn, 50, 1.0)]);
        assert_eq!(all_withdrawn.progress(), None);
    }

    fn sample(status: MilestoneStatus, planned_end: Option<chrono::NaiveDate>) -> Milestone {
        Milestone {
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
        }
    }

    #[test]
    fn overdue_is_past_the_planned_end_and_not_done() {
        use chrono::NaiveDate;
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let milestone = sample;
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
