//! The public pages, one module each.

mod commitment;
mod member;
mod members;
mod overview;
mod plan;

pub use crate::components::NotFound;
pub use commitment::CommitmentPage;
pub use member::MemberPage;
pub use members::MembersPage;
pub use overview::OverviewPage;
pub use plan::PlanPage;
