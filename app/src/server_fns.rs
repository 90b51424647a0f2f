//! Server functions behind the public pages. Each reads through the storage layer; the
//! database pool comes from the request context.

use crate::domain::*;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// Rows per page in long lists.
pub const PAGE_SIZE: i64 = 50;

/// The request's database.
#[cfg(feature = "ssr")]
fn request_db() -> Result<crate::storage::Db, AppError> {
    use_context::<crate::storage::Db>().ok_or_else(|| {
        tracing::error!("no database in the request context");
        AppError::Internal
    })
}

/// The site version the request's kept reads are looked up at, one for the whole page.
#[cfg(feature = "ssr")]
fn read_at() -> crate::storage::ReadAt {
    use_context::<crate::storage::ReadAt>().unwrap_or_default()
}

/// A database connection for the request's reads.
#[cfg(feature = "ssr")]
async fn db() -> Result<crate::storage::Pooled, AppError> {
    Ok(request_db()?.acquire().await?)
}

/// The day reads are made on, which decides what is overdue: the UTC date, the same for
/// every reader and every app server.
#[cfg(feature = "ssr")]
fn today() -> chrono::NaiveDate {
    crate::storage::now().date_naive()
}

/// The signed-in person, as the security layer found them.
#[cfg(feature = "ssr")]
fn viewer() -> Option<Viewer> {
    crate::page_state::page_state().viewer
}

/// The highest page number asked for: far past the end of any list, and small enough
/// that no offset overflows.
pub const MAX_PAGE: i64 = 1_000_000;

/// Turns a 1-based page number into an offset for pages of `size` rows, refusing nonsense
/// (a page below 1 or above [`MAX_PAGE`]) with 400. A page past the end is empty.
pub fn offset_of_page(page: i64, size: i64) -> Result<i64, AppError> {
    (1..=MAX_PAGE)
        .contains(&page)
        .then(|| (page - 1).checked_mul(size))
        .flatten()
        .ok_or_else(|| AppError::bad_request("page", crate::i18n::Key::ErrPage))
}

/// The offset of a page of [`PAGE_SIZE`] rows.
pub fn page_offset(page: i64) -> Result<i64, AppError> {
    offset_of_page(page, PAGE_SIZE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_start_at_one_and_never_overflow() {
        assert_eq!(offset_of_page(1, 50), Ok(0));
        assert_eq!(offset_of_page(3, 20), Ok(40));
        assert_eq!(offset_of_page(MAX_PAGE, 50), Ok((MAX_PAGE - 1) * 50));
        for page in [0, -1, i64::MIN, i64::MAX, MAX_PAGE + 1] {
            assert!(offset_of_page(page, 50).is_err(), "{page}");
        }
    }
}

#[server(endpoint = "overview", input = GetUrl)]
pub async fn get_overview() -> Result<Overview, AppError> {
    let today = today();
    Ok(crate::storage::overview(&mut db().await?, today).await?)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberPage {
    pub members: Vec<MemberSummary>,
    pub total: i64,
}

#[server(endpoint = "members", input = GetUrl)]
pub async fn list_members(
    region: Option<Region>,
    kind: Option<MemberKind>,
    page: i64,
) -> Result<MemberPage, AppError> {
    let filter = crate::storage::MemberFilter { region, kind };
    let (members, total) =
        crate::storage::list_members(&mut db().await?, &filter, PAGE_SIZE, page_offset(page)?)
            .await?;
    Ok(MemberPage { members, total })
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberDetail {
    pub member: Member,
    pub plans: Vec<PlanSummary>,
    /// The number a new plan of the member would take.
    pub next_plan_number: i64,
}

#[server(endpoint = "member", input = GetUrl)]
pub async fn get_member(slug: String) -> Result<Option<MemberDetail>, AppError> {
    let found =
        crate::storage::kept_member_with_plans(&request_db()?, &read_at(), &slug, today()).await?;
    let Some((member, plans)) = found else {
        return Ok(None);
    };
    let next_plan_number = plans.iter().map(|p| p.plan.number).max().unwrap_or(0) + 1;
    Ok(Some(MemberDetail {
        member,
        plans,
        next_plan_number,
    }))
}

#[server(endpoint = "plan", input = GetUrl)]
pub async fn get_plan(key: String, page: i64) -> Result<Option<PlanDetail>, AppError> {
    let offset = page_offset(page)?;
    let today = today();
    let db = request_db()?;
    Ok(crate::storage::kept_plan_detail(&db, &read_at(), &key, today, PAGE_SIZE, offset).await?)
}

/// How many commitments each region, OGP value, policy area and leading institution holds.
#[server(endpoint = "explore", input = GetUrl)]
pub async fn get_explore() -> Result<crate::domain::Explore, AppError> {
    Ok(crate::storage::explore(&mut db().await?).await?)
}

/// A region's, value's, policy area's or institution's page of commitments.
#[server(endpoint = "scope", input = GetUrl)]
pub async fn get_scope_page(
    scope: crate::domain::Scope,
    page: i64,
) -> Result<Option<crate::domain::ScopePage>, AppError> {
    let offset = page_offset(page)?;
    Ok(crate::storage::kept_scope_page(
        &request_db()?,
        &read_at(),
        &scope,
        today(),
        PAGE_SIZE,
        offset,
    )
    .await?)
}

/// A page of search results with the facets' counts (see [`crate::storage::search`]).
#[server(endpoint = "search", input = GetUrl)]
pub async fn get_search(
    request: crate::domain::search::SearchRequest,
) -> Result<crate::domain::search::SearchResults, AppError> {
    // Read as its address would be, whoever sent it.
    let request = request
        .checked()
        .map_err(|bad| AppError::bad_request(&bad.param, crate::i18n::Key::SearchUnknownFilter))?;
    Ok(crate::storage::kept_search(&request_db()?, &read_at(), &request, today()).await?)
}

/// The commitments of other members most like commitment `code`, the strongest results
/// first.
#[server(endpoint = "similar", input = GetUrl)]
pub async fn get_similar(
    code: String,
) -> Result<Vec<crate::domain::similar::SimilarCommitment>, AppError> {
    // A commitment the search does not know yet (written a moment ago) has none so far.
    Ok(
        crate::storage::similar_commitments(&request_db()?, &code, today())
            .await?
            .unwrap_or_default(),
    )
}

/// The dashboard of a scope (the installation, a member, a plan, a region, ...).
#[server(endpoint = "dashboard", input = GetUrl)]
pub async fn get_dashboard(
    scope: crate::domain::Scope,
) -> Result<Option<crate::domain::Dashboard>, AppError> {
    Ok(crate::storage::kept_dashboard(&request_db()?, &read_at(), &scope, today()).await?)
}

/// A plan with every commitment in full, to print (see [`crate::domain::PrintedPlan`]).
#[server(endpoint = "printed-plan", input = GetUrl)]
pub async fn get_printed_plan(key: String) -> Result<Option<crate::domain::PrintedPlan>, AppError> {
    use crate::domain::PrintedPlan;
    let mut db = db().await?;
    let Some(detail) =
        crate::storage::plan_detail(&mut db, &key, today(), PrintedPlan::MOST, 0).await?
    else {
        return Ok(None);
    };
    let mut commitments = Vec::with_capacity(detail.commitments.len());
    for summary in &detail.commitments {
        // A commitment removed meanwhile is left out.
        if let Some(commitment) = crate::storage::commitment_detail(&mut db, &summary.code).await? {
            commitments.push(commitment);
        }
    }
    Ok(Some(PrintedPlan {
        plan: detail.plan,
        member: detail.member,
        commitments,
        total_commitments: detail.total_commitments,
    }))
}

#[server(endpoint = "commitment", input = GetUrl)]
pub async fn get_commitment(code: String) -> Result<Option<CommitmentDetail>, AppError> {
    Ok(crate::storage::commitment_detail(&mut db().await?, &code.to_uppercase()).await?)
}

/// What the form for a new commitment of a plan starts from: the code and number the
/// tracker proposes (the member's prefix with the next free number; one more than the
/// plan's count).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommitmentProposal {
    pub plan: ActionPlan,
    pub member: Member,
    pub code: String,
    pub number: String,
}

#[server(endpoint = "new-commitment", input = GetUrl)]
pub async fn new_commitment(key: String) -> Result<Option<CommitmentProposal>, AppError> {
    let mut db = db().await?;
    let Some((plan_id, _, plan)) = crate::storage::stored_plan(&mut db, &key).await? else {
        return Ok(None);
    };
    let Some((_, member)) = crate::storage::stored_member(&mut db, &plan.member_code).await? else {
        return Ok(None);
    };
    let code = crate::storage::next_commitment_code(&mut db, &member.commitment_prefix).await?;
    let count = crate::storage::commitment_count(&mut db, plan_id).await?;
    Ok(Some(CommitmentProposal {
        plan,
        member,
        code,
        number: (count + 1).to_string(),
    }))
}

/// A milestone with every update, for its page (where its update form also lives).
#[server(endpoint = "milestone", input = GetUrl)]
pub async fn get_milestone(id: i64) -> Result<Option<MilestoneDetail>, AppError> {
    let mut db = db().await?;
    let Some((milestone, scope)) = crate::storage::milestone_in_context(&mut db, id).await? else {
        return Ok(None);
    };
    let updates = crate::storage::updates_of_milestone(&mut db, id).await?;
    Ok(Some(MilestoneDetail {
        milestone,
        commitment_code: scope.commitment_code,
        commitment_title: scope.commitment_title,
        member_code: scope.member_code,
        lead_institution: scope.lead_institution,
        demo: scope.demo,
        updates,
        as_of: today(),
    }))
}

/// Changes per page of a commitment's history.
pub const HISTORY_PAGE_SIZE: i64 = 20;

/// One page of a commitment's public history, newest change first.
#[server(endpoint = "commitment-history", input = GetUrl)]
pub async fn get_commitment_history(
    code: String,
    page: i64,
) -> Result<Option<HistoryPage>, AppError> {
    let offset = offset_of_page(page, HISTORY_PAGE_SIZE)?;
    Ok(crate::storage::commitment_history(
        &mut db().await?,
        &code.to_uppercase(),
        HISTORY_PAGE_SIZE,
        offset,
    )
    .await?)
}

/// A member as a grant's scope offers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberChoice {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountsPage {
    pub accounts: Vec<Account>,
    pub members: Vec<MemberChoice>,
}

#[cfg(feature = "ssr")]
async fn member_choices(db: &mut crate::storage::Pooled) -> Result<Vec<MemberChoice>, AppError> {
    Ok(crate::storage::member_choices(db)
        .await?
        .into_iter()
        .map(|row| MemberChoice {
            code: row.code,
            name: row.name,
        })
        .collect())
}

/// Every account with its grants; admins only.
#[server(endpoint = "admin/accounts", input = GetUrl)]
pub async fn admin_accounts() -> Result<AccountsPage, AppError> {
    crate::policy::may_administer(viewer().as_ref())?;
    let mut db = db().await?;
    Ok(AccountsPage {
        accounts: crate::storage::list_accounts(&mut db).await?,
        members: member_choices(&mut db).await?,
    })
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountPage {
    pub account: Account,
    pub members: Vec<MemberChoice>,
}

/// One account; admins only.
#[server(endpoint = "admin/account", input = GetUrl)]
pub async fn admin_account(id: i64) -> Result<Option<AccountPage>, AppError> {
    crate::policy::may_administer(viewer().as_ref())?;
    let mut db = db().await?;
    let Some(account) = crate::storage::account(&mut db, id).await? else {
        return Ok(None);
    };
    Ok(Some(AccountPage {
        account,
        members: member_choices(&mut db).await?,
    }))
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: i64,
}

/// The audit log, newest first; admins only.
#[server(endpoint = "admin/audit", input = GetUrl)]
pub async fn audit_log(page: i64) -> Result<AuditPage, AppError> {
    crate::policy::may_administer(viewer().as_ref())?;
    let offset = page_offset(page)?;
    let (entries, total) = crate::storage::audit_page(&mut db().await?, PAGE_SIZE, offset).await?;
    Ok(AuditPage { entries, total })
}

/// The signed-in person's own account, e-mail included.
#[server(endpoint = "account", input = GetUrl)]
pub async fn own_account() -> Result<Account, AppError> {
    let viewer = viewer();
    crate::policy::may_manage_own_account(viewer.as_ref())?;
    let user_id = viewer.map(|v| v.user_id).ok_or(AppError::SignInRequired)?;
    crate::storage::account(&mut db().await?, user_id)
        .await?
        .ok_or(AppError::SignInRequired)
}

/// Whether a one-time link can still be used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum LinkStatus {
    Usable { display_name: String },
    Used,
    Expired,
    Unknown,
}

#[server(endpoint = "link", input = GetUrl)]
pub async fn link_state(token: String, purpose: LinkPurpose) -> Result<LinkStatus, AppError> {
    use crate::storage::{now, token_hash};
    let Some(link) = crate::storage::link(&mut db().await?, &token_hash(&token)).await? else {
        return Ok(LinkStatus::Unknown);
    };
    let now = now();
    Ok(if link.purpose != purpose {
        LinkStatus::Unknown
    } else if link.used_at.is_some() {
        LinkStatus::Used
    } else if link.expires_at <= now {
        LinkStatus::Expired
    } else {
        LinkStatus::Usable {
            display_name: link.display_name,
        }
    })
}

/// Every member, by name, for the admin's member list.
#[server(endpoint = "admin/members", input = GetUrl)]
pub async fn admin_members() -> Result<Vec<Member>, AppError> {
    crate::policy::may_manage_members(viewer().as_ref())?;
    let filter = crate::storage::MemberFilter::default();
    let (members, _) = crate::storage::list_members(&mut db().await?, &filter, 10_000, 0).await?;
    Ok(members.into_iter().map(|summary| summary.member).collect())
}

/// A member as its edit form shows it, with the version the form carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberEditing {
    pub member: Member,
    pub version: i64,
}

#[server(endpoint = "admin/member", input = GetUrl)]
pub async fn admin_member(code: String) -> Result<Option<MemberEditing>, AppError> {
    crate::policy::may_manage_members(viewer().as_ref())?;
    let editing = crate::storage::member_for_edit(&mut db().await?, &code.to_uppercase()).await?;
    Ok(editing.map(|(_, member, version)| MemberEditing { member, version }))
}

/// A commitment as its scoring pages show it: who the reader scores it as (or why they may
/// not), their organisation's assessments of it in every state, and every source's
/// published assessments, which a draft is compared with as levels are chosen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoringContext {
    pub code: String,
    pub title: String,
    pub plan_year: Option<i64>,
    pub scorer: Result<Scorer, AppError>,
    /// Every assessment of the commitment the reader may see: published and superseded
    /// versions, and their own drafts.
    pub visible: Vec<AssessmentRecord>,
}

impl ScoringContext {
    /// Whether `record` is the reader's organisation's.
    pub fn is_own(&self, record: &AssessmentRecord) -> bool {
        self.scorer
            .as_ref()
            .is_ok_and(|scorer| scorer.owns(&record.assessment))
    }

    /// The reader's organisation's assessments, in every state.
    pub fn own(&self) -> Vec<AssessmentRecord> {
        self.visible
            .iter()
            .filter(|r| self.is_own(r))
            .cloned()
            .collect()
    }

    /// The organisation's draft at `stage` on `scale`, if it has one.
    pub fn own_draft(&self, scale: ScaleSet, stage: Stage) -> Option<&AssessmentRecord> {
        self.visible.iter().find(|r| {
            r.status == AssessmentStatus::Draft
                && r.assessment.scale == scale
                && r.assessment.stage == stage
                && self.is_own(r)
        })
    }

    /// Every source's published assessments, which a draft is compared with.
    pub fn published(&self) -> Vec<Assessment> {
        self.visible
            .iter()
            .filter(|r| r.status == AssessmentStatus::Published)
            .map(|r| r.assessment.clone())
            .collect()
    }
}

#[cfg(feature = "ssr")]
async fn scoring_context(
    db: &mut crate::storage::Pooled,
    code: &str,
) -> Result<Option<ScoringContext>, AppError> {
    let Some(stored) = crate::storage::stored_commitment(db, code).await? else {
        return Ok(None);
    };
    let Some((_, _, plan)) = crate::storage::stored_plan(db, &stored.commitment.plan_key).await?
    else {
        return Ok(None);
    };
    let scorer = crate::policy::scorer_for(viewer().as_ref(), &plan.member_code);
    let records = crate::storage::assessment_records(db, stored.id).await?;
    // Drafts are their organisation's alone.
    let visible = records
        .into_iter()
        .filter(|r| {
            r.status != AssessmentStatus::Draft
                || scorer.as_ref().is_ok_and(|s| s.owns(&r.assessment))
        })
        .collect();
    Ok(Some(ScoringContext {
        code: stored.commitment.code,
        title: stored.commitment.title,
        plan_year: plan.year_submitted,
        scorer,
        visible,
    }))
}

/// The scoring page of the commitment `code`.
#[server(endpoint = "scoring", input = GetUrl)]
pub async fn get_scoring(code: String) -> Result<Option<ScoringContext>, AppError> {
    scoring_context(&mut db().await?, &code.to_uppercase()).await
}

/// One assessment with its commitment's scoring context: a draft for its own scorer alone
/// (anyone else is told it does not exist), published and superseded versions for all.
#[server(endpoint = "assessment", input = GetUrl)]
pub async fn get_assessment(
    id: i64,
) -> Result<Option<(ScoringContext, AssessmentRecord)>, AppError> {
    let mut db = db().await?;
    let Some((_, record)) = crate::storage::assessment_record(&mut db, id).await? else {
        return Ok(None);
    };
    let Some(context) = scoring_context(&mut db, &record.commitment_code).await? else {
        return Ok(None);
    };
    let shown = context.visible.iter().find(|r| r.id == id).cloned();
    Ok(shown.map(|record| (context, record)))
}

/// The scores summary of a plan (by key) or a member (by slug): how often each source gave
/// each level, and the commitments where the sources disagree most.
#[server(endpoint = "scores-summary", input = GetUrl)]
pub async fn get_scores_summary(
    plan: Option<String>,
    member: Option<String>,
) -> Result<ScoresSummary, AppError> {
    use crate::storage::ScoresOf;
    let of = match (&plan, &member) {
        (Some(key), None) => ScoresOf::Plan(key),
        (None, Some(slug)) => ScoresOf::Member(slug),
        _ => {
            return Err(AppError::bad_request(
                "plan",
                crate::i18n::Key::ErrMalformedRequest,
            ))
        }
    };
    let db = request_db()?;
    Ok(crate::storage::kept_scores_summary(&db, &read_at(), of, today()).await?)
}
