//! What the public can follow: the latest progress updates and published assessments of
//! the installation, a member, a plan or a commitment (the overview's list and the Atom
//! feeds).

use super::assessment::{AssessmentSource, ScaleSet, Stage};
use super::history::PublicActor;
use super::levels::MilestoneStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whose records a list or a feed holds: the installation's, or one member's, plan's or
/// commitment's (by slug, key and code, as in their addresses).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    All,
    Member(String),
    Plan(String),
    Commitment(String),
}

/// What a feed follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeedKind {
    Updates,
    Assessments,
}

impl FeedKind {
    pub const ALL: [FeedKind; 2] = [FeedKind::Updates, FeedKind::Assessments];

    /// The last segment of the feed's address.
    pub fn file_name(self) -> &'static str {
        match self {
            FeedKind::Updates => "updates.atom",
            FeedKind::Assessments => "assessments.atom",
        }
    }
}

impl Scope {
    /// The address of the scope's page.
    pub fn page_path(&self) -> String {
        match self {
            Scope::All => "/".to_string(),
            Scope::Member(slug) => format!("/members/{slug}"),
            Scope::Plan(key) => format!("/plans/{key}"),
            Scope::Commitment(code) => format!("/commitments/{code}"),
        }
    }

    /// The address of the scope's feed of `kind`: beside its page (`/updates.atom` for
    /// the installation).
    pub fn feed_path(&self, kind: FeedKind) -> String {
        format!(
            "{}/{}",
            self.page_path().trim_end_matches('/'),
            kind.file_name()
        )
    }
}

/// What a scope is called, as its feed's title says it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScopeName {
    All,
    Member { name: String },
    Plan { member: String, number: i64 },
    Commitment { code: String, title: String },
}

/// A progress update as lists and feeds show it. Updates are append-only, so `id` names
/// one for good.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecentUpdate {
    pub id: i64,
    pub milestone_id: i64,
    pub commitment_code: String,
    pub commitment_title: String,
    pub milestone_title: String,
    pub author: PublicActor,
    pub created_at: DateTime<Utc>,
    pub status: MilestoneStatus,
    pub progress: i64,
    pub narrative: String,
    /// The update this one corrects, if it is a correction.
    pub corrects: Option<i64>,
}

impl RecentUpdate {
    /// Where the update is shown: in its milestone's list of updates.
    pub fn path(&self) -> String {
        format!(
            "/milestones/{}/updates#update-{}",
            self.milestone_id, self.id
        )
    }
}

/// A published assessment (or an earlier published version, now superseded) as feeds show
/// it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecentAssessment {
    pub id: i64,
    pub commitment_code: String,
    pub commitment_title: String,
    pub source: AssessmentSource,
    /// The scoring organisation, as the assessment's page names it.
    pub assessor: String,
    pub stage: Stage,
    pub scale: ScaleSet,
    pub version: i64,
    pub published_at: DateTime<Utc>,
}

impl RecentAssessment {
    pub fn path(&self) -> String {
        format!("/assessments/{}", self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_sit_beside_the_pages_they_follow() {
        let cases = [
            (Scope::All, "/", "/updates.atom"),
            (
                Scope::Member("chile".into()),
                "/members/chile",
                "/members/chile/updates.atom",
            ),
            (
                Scope::Plan("AP_CHL05".into()),
                "/plans/AP_CHL05",
                "/plans/AP_CHL05/updates.atom",
            ),
            (
                Scope::Commitment("CL0042".into()),
                "/commitments/CL0042",
                "/commitments/CL0042/updates.atom",
            ),
        ];
        for (scope, page, feed) in cases {
            assert_eq!(scope.page_path(), page);
            assert_eq!(scope.feed_path(FeedKind::Updates), feed);
            assert_eq!(
                scope.feed_path(FeedKind::Assessments),
                feed.replace("updates", "assessments")
            );
        }
    }
}
