//! The public pages, one module each.

mod account;
mod admin;
mod commitment;
mod member;
mod members;
mod overview;
mod plan;

pub use crate::components::NotFound;
pub use account::{AccountPage, InvitationPage, PasswordResetPage, SignInPage};
pub use admin::{AdminAccountPage, AdminAccountsPage, AuditLogPage};
pub use commitment::CommitmentPage;
pub use member::MemberPage;
pub use members::MembersPage;
pub use overview::OverviewPage;
pub use plan::PlanPage;
