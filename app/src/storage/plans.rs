//! Reading action plans.

use super::members::{member_at, MEMBER_COLUMNS};
use super::{corrupt, Db, StorageError};
use crate::domain::{
    ActionPlan, CommitmentSummary, Completion, PlanDetail, PlanStatus, PlanSummary, PotentialImpact,
};
use sqlx::Row;

pub(crate) const PLAN_COLUMNS: &str = "p.plan_key, m.code, p.number, p.title, p.year_submitted, p.end_year, p.start_date, p.end_date, p.status, p.document_url";

/// Reads the plan whose `PLAN_COLUMNS` start at column `start` of a joined row.
pub(crate) fn plan_at(row: &sqlx::any::AnyRow, start: usize) -> Result<ActionPlan, StorageError> {
    let status: String = row.try_get(start + 8)?;
    Ok(ActionPlan {
        key: row.try_get(start)?,
        member_code: row.try_get(start + 1)?,
        number: row.try_get(start + 2)?,
        title: row.try_get(start + 3)?,
        year_submitted: row.try_get(start + 4)?,
        end_year: row.try_get(start + 5)?,
        start_date: row.try_get(start + 6)?,
        end_date: row.try_get(start + 7)?,
        status: PlanStatus::from_machine(&status).ok_or_else(|| corrupt("plan status", &status))?,
        document_url: row.try_get(start + 9)?,
    })
}

/// Number of columns in `PLAN_COLUMNS`.
pub(crate) const PLAN_COLUMN_COUNT: usize = 10;

/// Progress of each commitment: the weighted mean of its milestones (see `rolled_up_progress`).
const COMMITMENT_PROGRESS: &str = "(SELECT CAST(SUM(ms.progress * ms.weight) AS DOUBLE PRECISION)
      / NULLIF(CAST(SUM(ms.weight) AS DOUBLE PRECISION), 0)
    FROM milestones ms WHERE ms.commitment_id = c.id)";

/// A member's plans, newest first, with commitment counts and progress.
pub async fn plans_of_member(db: &Db, member_code: &str) -> Result<Vec<PlanSummary>, StorageError> {
    let sql = format!(
        "SELECT {PLAN_COLUMNS},
            (SELECT COUNT(*) FROM commitments c WHERE c.plan_id = p.id) AS commitments,
            (SELECT AVG({COMMITMENT_PROGRESS}) FROM commitments c WHERE c.plan_id = p.id
              AND EXISTS (SELECT 1 FROM milestones ms WHERE ms.commitment_id = c.id)) AS progress
         FROM action_plans p JOIN members m ON m.id = p.member_id
         WHERE m.code = $1
         ORDER BY p.number DESC"
    );
    let rows = sqlx::query(&sql)
        .bind(member_code)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(PlanSummary {
                plan: plan_at(row, 0)?,
                commitments: row.try_get(PLAN_COLUMN_COUNT)?,
                progress: row.try_get(PLAN_COLUMN_COUNT + 1)?,
            })
        })
        .collect()
}

/// A plan with one page of its commitments, each with milestone count, progress and the
/// IRM's latest potential impact and completion.
pub async fn plan_detail(
    db: &Db,
    key: &str,
    limit: i64,
    offset: i64,
) -> Result<Option<PlanDetail>, StorageError> {
    let Some(row) = sqlx::query(&format!(
        "SELECT {PLAN_COLUMNS}, {MEMBER_COLUMNS}
         FROM action_plans p JOIN members m ON m.id = p.member_id WHERE p.plan_key = $1"
    ))
    .bind(key)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let plan = plan_at(&row, 0)?;
    let member = member_at(&row, PLAN_COLUMN_COUNT)?;

    let irm_level = |indicator: &str, stages: &str| {
        format!(
            "(SELECT s.value FROM assessment_scores s JOIN assessments a ON a.id = s.assessment_id
              WHERE a.commitment_id = c.id AND a.source = 'irm' AND s.indicator = '{indicator}'
                AND a.stage IN ({stages}) AND s.value NOT IN ('ND', 'NR', 'NA')
              ORDER BY CASE a.stage WHEN 'end_of_term' THEN 0 WHEN 'mid_term' THEN 1 ELSE 2 END
              LIMIT 1)"
        )
    };
    let sql = format!(
        "SELECT c.code, c.number, c.title, c.lead_institution,
            (SELECT COUNT(*) FROM milestones ms WHERE ms.commitment_id = c.id) AS milestones,
            {COMMITMENT_PROGRESS} AS progress,
            {impact} AS potential_impact,
            {completion} AS completion
         FROM commitments c JOIN action_plans p ON p.id = c.plan_id
         WHERE p.plan_key = $1
         ORDER BY c.code
         LIMIT $2 OFFSET $3",
        impact = irm_level("potential_impact", "'design'"),
        completion = irm_level("completion", "'end_of_term', 'mid_term'"),
    );
    let rows: Vec<(
        String,
        String,
        String,
        Option<String>,
        i64,
        Option<f64>,
        Option<String>,
        Option<String>,
    )> = sqlx::query_as(&sql)
        .bind(key)
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    let (total_commitments,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM commitments c JOIN action_plans p ON p.id = c.plan_id WHERE p.plan_key = $1",
    )
    .bind(key)
    .fetch_one(&db.pool)
    .await?;
    let commitments = rows
        .into_iter()
        .map(
            |(code, number, title, lead_institution, milestones, progress, impact, completion)| {
                CommitmentSummary {
                    code,
                    number,
                    title,
                    lead_institution,
                    milestones,
                    progress,
                    potential_impact: impact.as_deref().and_then(PotentialImpact::from_machine),
                    completion: completion.as_deref().and_then(Completion::from_machine),
                }
            },
        )
        .collect();
    Ok(Some(PlanDetail {
        plan,
        member,
        commitments,
        total_commitments,
    }))
}
