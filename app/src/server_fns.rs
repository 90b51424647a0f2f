//! Server functions behind the public pages. Each reads through the storage layer; the
//! database pool comes from the request context.

use crate::domain::*;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Rows per page in long lists.
pub const PAGE_SIZE: i64 = 50;

#[cfg(feature = "ssr")]
fn db() -> Result<crate::storage::Db, AppError> {
    use_context::<crate::storage::Db>().ok_or_else(|| {
        tracing::error!("no database in the request context");
        AppError::Internal
    })
}

/// Turns a 1-based page number into an offset, refusing nonsense.
pub fn page_offset(page: i64) -> Result<i64, AppError> {
    if page < 1 {
        return Err(AppError::invalid("page", "must be 1 or more"));
    }
    Ok((page - 1) * PAGE_SIZE)
}

#[server(endpoint = "overview")]
pub async fn get_overview() -> Result<Overview, AppError> {
    let today = chrono::Utc::now().date_naive().to_string();
    Ok(crate::storage::overview(&db()?, &today).await?)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberPage {
    pub members: Vec<MemberSummary>,
    pub total: i64,
}

#[server(endpoint = "members")]
pub async fn list_members(
    region: Option<Region>,
    kind: Option<MemberKind>,
    page: i64,
) -> Result<MemberPage, AppError> {
    let filter = crate::storage::MemberFilter { region, kind };
    let (members, total) =
        crate::storage::list_members(&db()?, &filter, PAGE_SIZE, page_offset(page)?).await?;
    Ok(MemberPage { members, total })
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberDetail {
    pub member: Member,
    pub plans: Vec<PlanSummary>,
}

#[server(endpoint = "member")]
pub async fn get_member(slug: String) -> Result<Option<MemberDetail>, AppError> {
    let db = db()?;
    let Some(member) = crate::storage::member_by_slug(&db, &slug).await? else {
        return Ok(None);
    };
    let plans = crate::storage::plans_of_member(&db, &member.code).await?;
    Ok(Some(MemberDetail { member, plans }))
}

#[server(endpoint = "plan")]
pub async fn get_plan(key: String, page: i64) -> Result<Option<PlanDetail>, AppError> {
    Ok(crate::storage::plan_detail(&db()?, &key, PAGE_SIZE, page_offset(page)?).await?)
}

#[server(endpoint = "commitment")]
pub async fn get_commitment(code: String) -> Result<Option<CommitmentDetail>, AppError> {
    Ok(crate::storage::commitment_detail(&db()?, &code.to_uppercase()).await?)
}
