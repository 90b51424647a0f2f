//! The public pages, one module each.

mod account;
mod admin;
mod admin_members;
mod commitment;
mod dashboard;
mod explore;
mod history;
mod keeping;
mod member;
mod members;
mod milestone;
mod overview;
mod plan;
mod plan_print;
mod plan_upload;
mod scores_summary;
mod scoring;
mod search;

pub use crate::components::NotFound;
pub use account::{AccountPage, InvitationPage, PasswordResetPage, SignInPage, SignOutPage};
pub use admin::{AdminAccountPage, AdminAccountsPage, AuditLogPage};
pub use admin_members::{AdminMemberPage, AdminMembersPage};
pub use commitment::CommitmentPage;
pub use explore::{ExplorePage, InstitutionPage, PolicyAreaPage, RegionPage, ValuePage};
pub use history::CommitmentHistoryPage;
pub use keeping::{
    CommitmentEditPage, CommitmentMilestonesPage, MilestoneEditPage, NewCommitmentPage,
};
pub use member::MemberPage;
pub use members::MembersPage;
pub use milestone::MilestonePage;
pub use overview::OverviewPage;
pub use plan::PlanPage;
pub use plan_print::PlanPrintPage;
pub use plan_upload::PlanUploadPage;
pub use scoring::{AssessmentPage, ScoringPage};
pub use search::SearchPage;
