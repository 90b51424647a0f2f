//! Reading a commitment with everything its page shows.

use super::assessments::assessments_of;
use super::members::{member_at, MEMBER_COLUMNS};
use super::milestones::milestones_of;
use super::plans::{plan_at, PLAN_COLUMNS, PLAN_COLUMN_COUNT};
use super::{from_flag, Db, StorageError};
use crate::domain::{Budget, Commitment, CommitmentDetail, OgpValue, RawValue};
use sqlx::Row;

/// The commitment `code` with its plan, member, milestones, assessments and raw values,
/// in a fixed number of queries.
pub async fn commitment_detail(
    db: &Db,
    code: &str,
) -> Result<Option<CommitmentDetail>, StorageError> {
    let sql = format!(
        "SELECT c.id, c.code, c.code_derived, c.number, c.title, c.short_title, c.full_text, c.theme,
            c.start_date, c.end_date, c.lead_institution, c.supporting_institutions,
            c.carried_forward, c.active, c.cluster_ids, c.source_url,
            c.budget_amount, c.budget_currency, c.funding_source, c.funded, c.demo,
            {PLAN_COLUMNS}, {MEMBER_COLUMNS}
         FROM commitments c
         JOIN action_plans p ON p.id = c.plan_id
         JOIN members m ON m.id = p.member_id
         WHERE c.code = $1"
    );
    let Some(row) = sqlx::query(&sql)
        .bind(code)
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    // The commitment's 21 columns come first, then the plan's, then the member's.
    let plan = plan_at(&row, 21)?;
    let member = member_at(&row, 21 + PLAN_COLUMN_COUNT)?;

    let values: Vec<(String,)> = sqlx::query_as(
        "SELECT value FROM commitment_values WHERE commitment_id = $1 ORDER BY value",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let policy_areas: Vec<(String,)> = sqlx::query_as(
        "SELECT pa.name FROM policy_areas pa
         JOIN commitment_policy_areas cpa ON cpa.policy_area_id = pa.id
         WHERE cpa.commitment_id = $1 ORDER BY pa.name",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let raw_values: Vec<(String, String)> =
        sqlx::query_as("SELECT field, raw FROM raw_values WHERE commitment_id = $1 ORDER BY field")
            .bind(id)
            .fetch_all(&db.pool)
            .await?;

    let budget_amount: Option<f64> = row.try_get("budget_amount")?;
    let budget_currency: Option<String> = row.try_get("budget_currency")?;
    let funding_source: Option<String> = row.try_get("funding_source")?;
    let funded = from_flag(row.try_get("funded")?);
    let budget = (budget_amount.is_some()
        || budget_currency.is_some()
        || funding_source.is_some()
        || funded.is_some())
    .then_some(Budget {
        amount: budget_amount,
        currency: budget_currency,
        funding_source,
        funded,
    });

    let commitment = Commitment {
        code: row.try_get(1)?,
        code_derived: row.try_get::<i64, _>("code_derived")? != 0,
        plan_key: plan.key.clone(),
        number: row.try_get(3)?,
        title: row.try_get(4)?,
        short_title: row.try_get("short_title")?,
        full_text: row.try_get("full_text")?,
        theme: row.try_get("theme")?,
        start_date: row.try_get(8)?,
        end_date: row.try_get(9)?,
        lead_institution: row.try_get("lead_institution")?,
        supporting_institutions: row.try_get("supporting_institutions")?,
        values: values
            .iter()
            .filter_map(|(v,)| OgpValue::from_machine(v))
            .collect(),
        policy_areas: policy_areas.into_iter().map(|(name,)| name).collect(),
        carried_forward: from_flag(row.try_get("carried_forward")?),
        active: from_flag(row.try_get("active")?),
        cluster_ids: row.try_get("cluster_ids")?,
        source_url: row.try_get("source_url")?,
        budget,
        demo: row.try_get::<i64, _>("demo")? != 0,
    };
    Ok(Some(CommitmentDetail {
        commitment,
        plan,
        member,
        milestones: milestones_of(db, id).await?,
        assessments: assessments_of(db, id).await?,
        raw_values: raw_values
            .into_iter()
            .map(|(field, raw)| RawValue { field, raw })
            .collect(),
    }))
}
