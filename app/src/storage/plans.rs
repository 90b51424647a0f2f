//! Reading action plans.

use super::members::{MemberRow, MEMBER_COLUMNS};
use super::memo::{kept_page, kept_record, Record, Working};
use super::milestones::OVERDUE;
use super::scope::{bind_scope, ScopeFilter};
use super::{Conn, StorageError};
use crate::domain::{
    ActionPlan, CommitmentSummary, Completion, PlanDetail, PlanStatus, PlanSummary,
    PotentialImpact, Scope,
};
use chrono::NaiveDate;

/// A plan as stored, with its member's code; joined queries select it under these names.
#[derive(sqlx::FromRow)]
pub(crate) struct PlanRow {
    #[sqlx(rename = "plan_id")]
    pub id: i64,
    pub plan_key: String,
    pub member_code: String,
    #[sqlx(rename = "plan_number")]
    pub number: i64,
    #[sqlx(rename = "plan_title")]
    pub title: Option<String>,
    pub year_submitted: Option<i64>,
    pub end_year: Option<i64>,
    #[sqlx(rename = "plan_start_date")]
    pub start_date: Option<NaiveDate>,
    #[sqlx(rename = "plan_end_date")]
    pub end_date: Option<NaiveDate>,
    #[sqlx(rename = "plan_status")]
    pub status: PlanStatus,
    pub document_url: Option<String>,
    #[sqlx(rename = "plan_version")]
    pub version: i64,
}

/// The plan columns of `p` (and its member `m`), named as [`PlanRow`] reads them.
pub(crate) const PLAN_COLUMNS: &str = "p.id AS plan_id, p.plan_key, m.code AS member_code, \
     p.number AS plan_number, p.title AS plan_title, p.year_submitted, p.end_year, \
     p.start_date AS plan_start_date, p.end_date AS plan_end_date, p.status AS plan_status, \
     p.document_url, p.version AS plan_version";

impl From<PlanRow> for ActionPlan {
    fn from(row: PlanRow) -> ActionPlan {
        ActionPlan {
            key: row.plan_key,
            member_code: row.member_code,
            number: row.number,
            title: row.title,
            year_submitted: row.year_submitted,
            end_year: row.end_year,
            start_date: row.start_date,
            end_date: row.end_date,
            status: row.status,
            document_url: row.document_url,
        }
    }
}

/// Progress of each commitment: the weighted mean of its milestones not withdrawn (the
/// same sum as `domain::RollUp`).
const COMMITMENT_PROGRESS: &str = "(SELECT CAST(SUM(ms.progress * ms.weight) AS DOUBLE PRECISION)
      / NULLIF(CAST(SUM(ms.weight) AS DOUBLE PRECISION), 0)
    FROM milestones ms WHERE ms.commitment_id = c.id AND ms.status <> 'withdrawn')";

#[derive(sqlx::FromRow)]
struct PlanSummaryRow {
    #[sqlx(flatten)]
    plan: PlanRow,
    commitments: i64,
    progress: Option<f64>,
    overdue_milestones: i64,
}

/// A member's plans, newest first, with commitment counts, progress and the milestones
/// overdue on `today`.
pub async fn plans_of_member(
    conn: &mut dyn Conn,
    member_code: &str,
    today: NaiveDate,
) -> Result<Vec<PlanSummary>, StorageError> {
    let sql = format!(
        "SELECT {PLAN_COLUMNS},
            (SELECT COUNT(*) FROM commitments c WHERE c.plan_id = p.id) AS commitments,
            (SELECT COUNT(*) FROM milestones ms JOIN commitments c ON c.id = ms.commitment_id
              WHERE c.plan_id = p.id AND {OVERDUE}) AS overdue_milestones,
            (SELECT CAST(AVG({COMMITMENT_PROGRESS}) AS DOUBLE PRECISION) FROM commitments c
              WHERE c.plan_id = p.id
              AND EXISTS (SELECT 1 FROM milestones ms WHERE ms.commitment_id = c.id)) AS progress
         FROM action_plans p JOIN members m ON m.id = p.member_id
         WHERE m.code = $2
         ORDER BY p.number DESC"
    );
    let rows: Vec<PlanSummaryRow> = run!(
        conn,
        fetch_all,
        sqlx::query_as(&sql).bind(today).bind(member_code)
    )?;
    Ok(rows
        .into_iter()
        .map(|row| PlanSummary {
            plan: row.plan.into(),
            commitments: row.commitments,
            progress: row.progress,
            overdue_milestones: row.overdue_milestones,
        })
        .collect())
}

/// The member `slug` with its plans ([`plans_of_member`]), as every rendered page of the
/// member reads them: kept until the next write.
pub async fn kept_member_with_plans(
    db: &super::Db,
    at: &super::ReadAt,
    slug: &str,
    today: NaiveDate,
) -> Result<Option<(crate::domain::Member, Vec<PlanSummary>)>, StorageError> {
    let read = async {
        let mut conn = db.acquire().await?;
        let Some(member) = super::member_by_slug(&mut conn, slug).await? else {
            return Ok(None);
        };
        let plans = plans_of_member(&mut conn, &member.code, today).await?;
        Ok(Some((member, plans)))
    };
    let key = Record::Member(slug.to_owned());
    kept_record(
        db,
        at,
        today,
        key,
        Working::EachReader,
        Option::is_some,
        read,
    )
    .await
}

/// [`plan_detail`], kept until the next write for the first pages, which readers open.
pub async fn kept_plan_detail(
    db: &super::Db,
    at: &super::ReadAt,
    key: &str,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<Option<PlanDetail>, StorageError> {
    let read = async { plan_detail(&mut db.acquire().await?, key, today, limit, offset).await };
    let record = Record::Plan(key.to_owned(), limit, offset);
    let is_empty = |plan: &PlanDetail| plan.commitments.is_empty();
    kept_page(
        db,
        at,
        today,
        record,
        Working::EachReader,
        (limit, offset),
        is_empty,
        read,
    )
    .await
}

#[derive(sqlx::FromRow)]
struct PlanWithMember {
    #[sqlx(flatten)]
    plan: PlanRow,
    #[sqlx(flatten)]
    member: MemberRow,
}

#[derive(sqlx::FromRow)]
struct CommitmentSummaryRow {
    code: String,
    number: String,
    title: String,
    lead_institution: Option<String>,
    milestones: i64,
    overdue_milestones: i64,
    progress: Option<f64>,
    potential_impact: Option<String>,
    completion: Option<String>,
    withdrawn: bool,
}

/// The IRM's latest level of `indicator` among the stages given, skipping missing values.
fn irm_level(indicator: &str, stages: &str) -> String {
    format!(
        "(SELECT s.value FROM assessment_scores s JOIN assessments a ON a.id = s.assessment_id
          WHERE a.commitment_id = c.id AND a.status = 'published' AND a.source = 'irm'
            AND s.indicator = '{indicator}'
            AND a.stage IN ({stages}) AND s.value NOT IN ('ND', 'NR', 'NA')
          ORDER BY CASE a.stage WHEN 'end_of_term' THEN 0 WHEN 'mid_term' THEN 1 ELSE 2 END
          LIMIT 1)"
    )
}

/// A plan with one page of its commitments, each with milestone count, the milestones
/// overdue on `today`, progress and the IRM's latest potential impact and completion.
pub async fn plan_detail(
    conn: &mut dyn Conn,
    key: &str,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<Option<PlanDetail>, StorageError> {
    let sql = format!(
        "SELECT {PLAN_COLUMNS}, {MEMBER_COLUMNS}
         FROM action_plans p JOIN members m ON m.id = p.member_id WHERE p.plan_key = $1"
    );
    let Some(found): Option<PlanWithMember> =
        run!(conn, fetch_optional, sqlx::query_as(&sql).bind(key))?
    else {
        return Ok(None);
    };

    let (commitments, total_commitments) =
        commitment_summaries(conn, &Scope::Plan(key.to_string()), today, limit, offset).await?;
    let version = found.plan.version;
    Ok(Some(PlanDetail {
        version,
        plan: found.plan.into(),
        member: found.member.into(),
        commitments,
        total_commitments,
    }))
}

/// One page of the commitments of `scope` (in code order), each with milestone count, the
/// milestones overdue on `today`, progress and the IRM's latest potential impact and
/// completion; and how many the scope holds. The page is chosen first, so the figures of
/// each row are worked out for its rows only (SQLite worked them out for every commitment
/// of a region before sorting).
pub async fn commitment_summaries(
    conn: &mut dyn Conn,
    scope: &Scope,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<(Vec<CommitmentSummary>, i64), StorageError> {
    let filter = ScopeFilter::of(scope);
    let n = filter.next_param();
    let sql = format!(
        "SELECT c.code, c.number, c.title, c.lead_institution,
            (SELECT COUNT(*) FROM milestones ms WHERE ms.commitment_id = c.id) AS milestones,
            (SELECT COUNT(*) FROM milestones ms WHERE ms.commitment_id = c.id AND {overdue})
                AS overdue_milestones,
            {progress} AS progress,
            {impact} AS potential_impact,
            {completion} AS completion,
            c.withdrawn_on IS NOT NULL AS withdrawn
         FROM (SELECT c.id FROM commitments c {joins} WHERE {condition}
               ORDER BY c.code LIMIT ${limit} OFFSET ${offset}) page
         JOIN commitments c ON c.id = page.id
         ORDER BY c.code",
        overdue = OVERDUE.replace("$1", &format!("${n}")),
        progress = COMMITMENT_PROGRESS,
        impact = irm_level("potential_impact", "'design'"),
        completion = irm_level("completion", "'end_of_term', 'mid_term'"),
        joins = filter.joins,
        condition = filter.condition,
        limit = n + 1,
        offset = n + 2,
    );
    let rows: Vec<CommitmentSummaryRow> = run!(
        conn,
        fetch_all,
        bind_scope!(sqlx::query_as(&sql), filter)
            .bind(today)
            .bind(limit)
            .bind(offset)
    )?;
    let sql = format!(
        "SELECT COUNT(*) FROM commitments c {} WHERE {}",
        filter.joins, filter.condition
    );
    let total: i64 = run!(
        conn,
        fetch_one,
        bind_scope!(sqlx::query_scalar(&sql), filter)
    )?;
    let commitments = rows
        .into_iter()
        .map(|row| CommitmentSummary {
            code: row.code,
            number: row.number,
            title: row.title,
            lead_institution: row.lead_institution,
            milestones: row.milestones,
            overdue_milestones: row.overdue_milestones,
            progress: row.progress,
            potential_impact: row
                .potential_impact
                .as_deref()
                .and_then(PotentialImpact::from_machine),
            completion: row.completion.as_deref().and_then(Completion::from_machine),
            withdrawn: row.withdrawn,
        })
        .collect();
    Ok((commitments, total))
}
