//! Writing the domain: used by the importer and the demo-data generator, always inside a
//! transaction the caller commits.

use super::{flag, slugify_policy_area, StorageError, Tx};
use crate::domain::{
    ActionPlan, Assessment, Commitment, EvidenceLink, Member, MilestoneStatus, RawValue,
};

/// Whether an existing row is overwritten with the incoming values or kept as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnExisting {
    Overwrite,
    Keep,
}

pub async fn upsert_member(
    tx: &mut Tx<'_>,
    member: &Member,
    demo: bool,
    on_existing: OnExisting,
) -> Result<i64, StorageError> {
    let update = match on_existing {
        OnExisting::Overwrite => "name = excluded.name, slug = excluded.slug, kind = excluded.kind,
            region = COALESCE(excluded.region, members.region), commitment_prefix = excluded.commitment_prefix",
        OnExisting::Keep => "code = excluded.code",
    };
    let (id,): (i64,) = sqlx::query_as(&format!(
        "INSERT INTO members (code, name, slug, kind, region, commitment_prefix, demo)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (code) DO UPDATE SET {update}
         RETURNING id"
    ))
    .bind(&member.code)
    .bind(&member.name)
    .bind(&member.slug)
    .bind(member.kind.as_str())
    .bind(member.region.map(|r| r.as_str()))
    .bind(&member.commitment_prefix)
    .bind(i64::from(demo))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn upsert_plan(
    tx: &mut Tx<'_>,
    plan: &ActionPlan,
    member_id: i64,
    on_existing: OnExisting,
) -> Result<i64, StorageError> {
    let update = match on_existing {
        OnExisting::Overwrite => {
            "member_id = excluded.member_id, number = excluded.number,
            title = COALESCE(excluded.title, action_plans.title),
            year_submitted = COALESCE(excluded.year_submitted, action_plans.year_submitted),
            end_year = COALESCE(excluded.end_year, action_plans.end_year),
            start_date = COALESCE(excluded.start_date, action_plans.start_date),
            end_date = COALESCE(excluded.end_date, action_plans.end_date),
            status = excluded.status,
            document_url = COALESCE(excluded.document_url, action_plans.document_url)"
        }
        OnExisting::Keep => "plan_key = excluded.plan_key",
    };
    let (id,): (i64,) = sqlx::query_as(&format!(
        "INSERT INTO action_plans (plan_key, member_id, number, title, year_submitted, end_year,
            start_date, end_date, status, document_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (plan_key) DO UPDATE SET {update}
         RETURNING id"
    ))
    .bind(&plan.key)
    .bind(member_id)
    .bind(plan.number)
    .bind(&plan.title)
    .bind(plan.year_submitted)
    .bind(plan.end_year)
    .bind(&plan.start_date)
    .bind(&plan.end_date)
    .bind(plan.status.as_str())
    .bind(&plan.document_url)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// The outcome of writing one commitment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommitmentWrite {
    Inserted(i64),
    Updated(i64),
    /// The ID is taken by another commitment (another plan or number): nothing was written.
    Conflict {
        existing_plan: String,
        existing_number: String,
    },
}

/// A stored commitment found by its place in a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCommitment {
    pub code: String,
    pub code_derived: bool,
}

/// The commitment numbered `number` in plan `plan_id`, if one is stored. Some files number
/// several commitments alike, so a title tells them apart where one is given.
pub async fn commitment_in_plan(
    tx: &mut Tx<'_>,
    plan_id: i64,
    number: &str,
    title: &str,
) -> Result<Option<StoredCommitment>, StorageError> {
    let rows: Vec<(String, i64, String)> =
        sqlx::query_as("SELECT code, code_derived, title FROM commitments WHERE plan_id = $1 AND number = $2 ORDER BY id")
            .bind(plan_id)
            .bind(number)
            .fetch_all(&mut **tx)
            .await?;
    let found = match rows
        .iter()
        .find(|(_, _, stored_title)| stored_title == title)
    {
        Some(row) => Some(row),
        None if rows.len() == 1 && rows[0].1 == 0 => rows.first(),
        None => None,
    };
    Ok(found.map(|(code, derived, _)| StoredCommitment {
        code: code.clone(),
        code_derived: *derived != 0,
    }))
}

/// The next free commitment ID for a member: its prefix and one more than the highest
/// number stored with that prefix.
pub async fn next_commitment_code(tx: &mut Tx<'_>, prefix: &str) -> Result<String, StorageError> {
    let codes: Vec<(String,)> = sqlx::query_as("SELECT code FROM commitments WHERE code LIKE $1")
        .bind(format!("{prefix}%"))
        .fetch_all(&mut **tx)
        .await?;
    let highest = codes
        .iter()
        .filter_map(|(code,)| code.strip_prefix(prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    Ok(format!("{prefix}{:04}", highest + 1))
}

/// Inserts or updates a commitment by its ID, replacing its values, policy areas and raw
/// values; refuses to overwrite a different commitment that holds the same ID.
pub async fn upsert_commitment(
    tx: &mut Tx<'_>,
    commitment: &Commitment,
    plan_id: i64,
    raw_values: &[RawValue],
) -> Result<CommitmentWrite, StorageError> {
    let existing: Option<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT c.id, c.plan_id, c.number, p.plan_key FROM commitments c
         JOIN action_plans p ON p.id = c.plan_id WHERE c.code = $1",
    )
    .bind(&commitment.code)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some((_, existing_plan_id, existing_number, existing_plan)) = &existing {
        if *existing_plan_id != plan_id || *existing_number != commitment.number {
            return Ok(CommitmentWrite::Conflict {
                existing_plan: existing_plan.clone(),
                existing_number: existing_number.clone(),
            });
        }
    }
    let budget = commitment.budget.as_ref();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO commitments (code, code_derived, plan_id, number, title, short_title, full_text,
            theme, start_date, end_date, lead_institution, supporting_institutions, carried_forward,
            active, cluster_ids, source_url, budget_amount, budget_currency, funding_source, funded, demo)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
         ON CONFLICT (code) DO UPDATE SET code_derived = excluded.code_derived,
            title = excluded.title, short_title = excluded.short_title, full_text = excluded.full_text,
            theme = excluded.theme, start_date = excluded.start_date, end_date = excluded.end_date,
            lead_institution = excluded.lead_institution,
            supporting_institutions = excluded.supporting_institutions,
            carried_forward = excluded.carried_forward, active = excluded.active,
            cluster_ids = excluded.cluster_ids, source_url = excluded.source_url,
            budget_amount = excluded.budget_amount, budget_currency = excluded.budget_currency,
            funding_source = excluded.funding_source, funded = excluded.funded, demo = excluded.demo
         RETURNING id",
    )
    .bind(&commitment.code)
    .bind(i64::from(commitment.code_derived))
    .bind(plan_id)
    .bind(&commitment.number)
    .bind(&commitment.title)
    .bind(&commitment.short_title)
    .bind(&commitment.full_text)
    .bind(&commitment.theme)
    .bind(&commitment.start_date)
    .bind(&commitment.end_date)
    .bind(&commitment.lead_institution)
    .bind(&commitment.supporting_institutions)
    .bind(flag(commitment.carried_forward))
    .bind(flag(commitment.active))
    .bind(&commitment.cluster_ids)
    .bind(&commitment.source_url)
    .bind(budget.and_then(|b| b.amount))
    .bind(budget.and_then(|b| b.currency.clone()))
    .bind(budget.and_then(|b| b.funding_source.clone()))
    .bind(flag(budget.and_then(|b| b.funded)))
    .bind(i64::from(commitment.demo))
    .fetch_one(&mut **tx)
    .await?;

    for table in ["commitment_values", "commitment_policy_areas", "raw_values"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE commitment_id = $1"))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    for value in &commitment.values {
        sqlx::query("INSERT INTO commitment_values (commitment_id, value) VALUES ($1, $2)")
            .bind(id)
            .bind(value.as_str())
            .execute(&mut **tx)
            .await?;
    }
    for area in &commitment.policy_areas {
        let (area_id,): (i64,) = sqlx::query_as(
            "INSERT INTO policy_areas (slug, name) VALUES ($1, $2)
             ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id",
        )
        .bind(slugify_policy_area(area))
        .bind(area)
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO commitment_policy_areas (commitment_id, policy_area_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(area_id)
        .execute(&mut **tx)
        .await?;
    }
    for raw in raw_values {
        sqlx::query(
            "INSERT INTO raw_values (commitment_id, field, raw) VALUES ($1, $2, $3)
             ON CONFLICT (commitment_id, field) DO UPDATE SET raw = excluded.raw",
        )
        .bind(id)
        .bind(&raw.field)
        .bind(&raw.raw)
        .execute(&mut **tx)
        .await?;
    }
    Ok(match existing {
        Some(_) => CommitmentWrite::Updated(id),
        None => CommitmentWrite::Inserted(id),
    })
}

/// Inserts or replaces one assessor's assessment of a commitment at one stage and scale.
pub async fn upsert_assessment(
    tx: &mut Tx<'_>,
    commitment_id: i64,
    assessment: &Assessment,
    created_at: &str,
) -> Result<i64, StorageError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO assessments (commitment_id, source, assessor, stage, scale, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (commitment_id, source, assessor, stage, scale) DO UPDATE SET scale = excluded.scale
         RETURNING id",
    )
    .bind(commitment_id)
    .bind(assessment.source.as_str())
    .bind(&assessment.assessor)
    .bind(assessment.stage.as_str())
    .bind(assessment.scale.as_str())
    .bind(created_at)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM assessment_scores WHERE assessment_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for score in &assessment.scores {
        sqlx::query(
            "INSERT INTO assessment_scores (assessment_id, indicator, value, justification)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(score.indicator.machine_name())
        .bind(score.value.as_str())
        .bind(&score.justification)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

/// A milestone to insert.
#[derive(Clone, Debug)]
pub struct NewMilestone {
    pub position: i64,
    pub title: String,
    pub description: Option<String>,
    pub responsible_institution: Option<String>,
    pub planned_start: Option<String>,
    pub planned_end: Option<String>,
    pub completed_on: Option<String>,
    pub status: MilestoneStatus,
    pub progress: i64,
    pub weight: f64,
}

pub async fn insert_milestone(
    tx: &mut Tx<'_>,
    commitment_id: i64,
    milestone: &NewMilestone,
) -> Result<i64, StorageError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO milestones (commitment_id, position, title, description, responsible_institution,
            planned_start, planned_end, completed_on, status, progress, weight)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(commitment_id)
    .bind(milestone.position)
    .bind(&milestone.title)
    .bind(&milestone.description)
    .bind(&milestone.responsible_institution)
    .bind(&milestone.planned_start)
    .bind(&milestone.planned_end)
    .bind(&milestone.completed_on)
    .bind(milestone.status.as_str())
    .bind(milestone.progress)
    .bind(milestone.weight)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// A progress update to append.
#[derive(Clone, Debug)]
pub struct NewProgressUpdate {
    /// Shown publicly: a role and an institution, never an e-mail address.
    pub author: String,
    /// The account that wrote it, when written through the site.
    pub author_id: Option<i64>,
    pub created_at: String,
    pub status: MilestoneStatus,
    pub progress: i64,
    pub narrative: String,
    pub evidence: Vec<EvidenceLink>,
}

pub async fn insert_progress_update(
    tx: &mut Tx<'_>,
    milestone_id: i64,
    update: &NewProgressUpdate,
) -> Result<i64, StorageError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO progress_updates (milestone_id, author, created_at, status, progress, narrative, author_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(milestone_id)
    .bind(&update.author)
    .bind(&update.created_at)
    .bind(update.status.as_str())
    .bind(update.progress)
    .bind(&update.narrative)
    .bind(update.author_id)
    .fetch_one(&mut **tx)
    .await?;
    for link in &update.evidence {
        sqlx::query("INSERT INTO evidence_links (update_id, url, title) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(&link.url)
            .bind(&link.title)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

/// Whether the database holds no member yet (first start).
pub async fn is_empty(db: &super::Db) -> Result<bool, StorageError> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM members")
        .fetch_one(&db.pool)
        .await?;
    Ok(count == 0)
}

/// The commitment-ID prefix stored for a member.
pub async fn member_prefix(tx: &mut Tx<'_>, member_id: i64) -> Result<String, StorageError> {
    let (prefix,): (String,) =
        sqlx::query_as("SELECT commitment_prefix FROM members WHERE id = $1")
            .bind(member_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(prefix)
}

/// Removes all demo data, so the generator can replace it.
pub async fn delete_demo_data(tx: &mut Tx<'_>) -> Result<(), StorageError> {
    const DEMO_COMMITMENTS: &str = "SELECT id FROM commitments WHERE demo = 1";
    let statements = [
        // Grants on demo members go with them; demo accounts stay and get theirs again.
        "DELETE FROM role_grants WHERE member_id IN (SELECT id FROM members WHERE demo = 1)".to_string(),
        format!("DELETE FROM evidence_links WHERE update_id IN (SELECT u.id FROM progress_updates u JOIN milestones ms ON ms.id = u.milestone_id WHERE ms.commitment_id IN ({DEMO_COMMITMENTS}))"),
        format!("DELETE FROM progress_updates WHERE milestone_id IN (SELECT id FROM milestones WHERE commitment_id IN ({DEMO_COMMITMENTS}))"),
        format!("DELETE FROM milestones WHERE commitment_id IN ({DEMO_COMMITMENTS})"),
        format!("DELETE FROM assessment_scores WHERE assessment_id IN (SELECT id FROM assessments WHERE commitment_id IN ({DEMO_COMMITMENTS}))"),
        format!("DELETE FROM assessments WHERE commitment_id IN ({DEMO_COMMITMENTS})"),
        "DELETE FROM commitments WHERE demo = 1".to_string(),
        "DELETE FROM action_plans WHERE member_id IN (SELECT id FROM members WHERE demo = 1)".to_string(),
        "DELETE FROM members WHERE demo = 1".to_string(),
    ];
    for statement in statements {
        sqlx::query(&statement).execute(&mut **tx).await?;
    }
    Ok(())
}
