//! What the public can follow: the latest progress updates and published assessments of
//! the installation, a member, a plan or a commitment (the overview's list and the Atom
//! feeds).

use super::assessment::{AssessmentSource, OgpValue, ScaleSet, Stage};
use super::history::PublicActor;
use super::levels::MilestoneStatus;
use super::member::Region;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whose records a list, a dashboard or a feed holds: the installation's, or one member's,
/// plan's or commitment's (by slug, key and code, as in their addresses); or those of the
/// commitments of a region's members, claiming an OGP value, tagged with a policy area (by
/// slug) or led by an institution (by name). Feeds follow the first four.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    All,
    Member(String),
    Plan(String),
    Commitment(String),
    Region(Region),
    Value(OgpValue),
    PolicyArea(String),
    Institution(String),
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
            Scope::Region(region) => format!("/regions/{}", region.as_str()),
            Scope::Value(value) => format!("/values/{}", value.as_str()),
            Scope::PolicyArea(slug) => format!("/policy-areas/{slug}"),
            Scope::Institution(name) => format!("/institutions/{}", percent_encoded(name, b"")),
        }
    }

    /// The scopes whose pages have a link preview image beside them ([`PREVIEW_FILE`]).
    pub const PREVIEWED: [&'static str; 2] = ["members", "plans"];

    /// The scopes with dashboards, by the first segment of their page's address.
    pub const DASHBOARD_PAGES: [&'static str; 6] = [
        "members",
        "plans",
        "regions",
        "values",
        "policy-areas",
        "institutions",
    ];

    /// The scope whose page is `/{kind}/{key}` (the key as the router decoded it): the
    /// inverse of [`Scope::page_path`] for those in [`Scope::DASHBOARD_PAGES`].
    pub fn from_page(kind: &str, key: &str) -> Option<Scope> {
        match kind {
            "members" => Some(Scope::Member(key.to_string())),
            "plans" => Some(Scope::Plan(key.to_string())),
            "regions" => Region::from_machine(key).map(Scope::Region),
            "values" => OgpValue::from_machine(key).map(Scope::Value),
            "policy-areas" => Some(Scope::PolicyArea(key.to_string())),
            "institutions" => Some(Scope::Institution(key.to_string())),
            _ => None,
        }
    }

    /// The scope of a dashboard `/explore` shows, by its page's address (`/`,
    /// `/regions/europe`, `/values/...`, `/policy-areas/...`).
    pub fn from_explored(path: &str) -> Option<Scope> {
        if path == "/" {
            return Some(Scope::All);
        }
        let (kind, key) = path.strip_prefix('/')?.split_once('/')?;
        let slug = !key.is_empty()
            && key.len() <= 120
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        match kind {
            "regions" | "values" | "policy-areas" if slug => Scope::from_page(kind, key),
            _ => None,
        }
    }

    /// The address of its feed of `kind`: beside its page (`/updates.atom` for
    /// the installation).
    pub fn feed_path(&self, kind: FeedKind) -> String {
        format!(
            "{}/{}",
            self.page_path().trim_end_matches('/'),
            kind.file_name()
        )
    }
}

/// The file name of a page's link preview image, beside the page.
pub const PREVIEW_FILE: &str = "preview.png";

/// `text` with every byte but letters, digits, `-_.~` and those of `keep` percent-encoded:
/// one segment of an address (`keep` empty), or a path (`b"/"`).
pub fn percent_encoded(text: &str, keep: &[u8]) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b if keep.contains(&b) => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// What a scope is called, as its feed's title and its page say it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScopeName {
    All,
    Member { name: String },
    Plan { member: String, number: i64 },
    Commitment { code: String, title: String },
    Region(Region),
    Value(OgpValue),
    PolicyArea { name: String },
    Institution { name: String },
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
    fn the_explorer_reads_back_the_dashboards_it_lists() {
        for scope in [
            Scope::All,
            Scope::Region(Region::Europe),
            Scope::Value(OgpValue::PublicAccountability),
            Scope::PolicyArea("open-contracting".into()),
        ] {
            assert_eq!(Scope::from_explored(&scope.page_path()), Some(scope));
        }
        for refused in [
            "",
            "/plans/AP_ESP04",
            "/members/spain",
            "/regions/atlantis",
            "/policy-areas/",
            "/policy-areas/Open Data",
            "/policy-areas/a/b",
            "regions/europe",
        ] {
            assert_eq!(Scope::from_explored(refused), None, "{refused}");
        }
    }

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
        assert_eq!(
            Scope::Institution("Ministerio de Economía / Hacienda".into()).page_path(),
            "/institutions/Ministerio%20de%20Econom%C3%ADa%20%2F%20Hacienda"
        );
        assert_eq!(
            Scope::Region(Region::AsiaPacific).page_path(),
            "/regions/asia_pacific"
        );
        for scope in [
            Scope::Member("chile".into()),
            Scope::Plan("AP_CHL05".into()),
            Scope::Region(Region::Europe),
            Scope::Value(OgpValue::CivicParticipation),
            Scope::PolicyArea("open-justice".into()),
            Scope::Institution("Ministry of Justice".into()),
        ] {
            let path = scope.page_path();
            let (kind, key) = path[1..].split_once('/').unwrap();
            assert!(Scope::DASHBOARD_PAGES.contains(&kind));
            let key = key.replace("%20", " ");
            assert_eq!(Scope::from_page(kind, &key), Some(scope));
        }
        assert_eq!(Scope::from_page("regions", "atlantis"), None);
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
