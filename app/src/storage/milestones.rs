//! Reading milestones and their progress updates.

use super::{corrupt, Db, StorageError};
use crate::domain::{EvidenceLink, Milestone, MilestoneStatus, ProgressUpdate, RecentUpdate};
use std::collections::HashMap;

fn status(value: &str) -> Result<MilestoneStatus, StorageError> {
    MilestoneStatus::from_machine(value).ok_or_else(|| corrupt("milestone status", value))
}

const LATEST_UPDATE: &str =
    "u.id = (SELECT u2.id FROM progress_updates u2 WHERE u2.milestone_id = u.milestone_id
                    ORDER BY u2.created_at DESC, u2.id DESC LIMIT 1)";

/// A commitment's milestones in order, each with its latest update and that update's evidence.
pub async fn milestones_of(db: &Db, commitment_id: i64) -> Result<Vec<Milestone>, StorageError> {
    let rows: Vec<(
        i64,
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        i64,
        f64,
    )> = sqlx::query_as(
        "SELECT id, position, title, description, responsible_institution, planned_start,
                planned_end, completed_on, status, progress, weight
         FROM milestones WHERE commitment_id = $1 ORDER BY position, id",
    )
    .bind(commitment_id)
    .fetch_all(&db.pool)
    .await?;

    let updates: Vec<(i64, i64, String, String, String, i64, String, Option<i64>)> =
        sqlx::query_as(&format!(
            "SELECT u.id, u.milestone_id, u.author, u.created_at, u.status, u.progress, u.narrative, u.corrects_id
             FROM progress_updates u JOIN milestones ms ON ms.id = u.milestone_id
             WHERE ms.commitment_id = $1 AND {LATEST_UPDATE}"
        ))
        .bind(commitment_id)
        .fetch_all(&db.pool)
        .await?;
    let evidence: Vec<(i64, String, String)> = sqlx::query_as(&format!(
        "SELECT e.update_id, e.url, e.title
         FROM evidence_links e JOIN progress_updates u ON u.id = e.update_id
         JOIN milestones ms ON ms.id = u.milestone_id
         WHERE ms.commitment_id = $1 AND {LATEST_UPDATE}
         ORDER BY e.id"
    ))
    .bind(commitment_id)
    .fetch_all(&db.pool)
    .await?;

    let mut evidence_by_update: HashMap<i64, Vec<EvidenceLink>> = HashMap::new();
    for (update_id, url, title) in evidence {
        evidence_by_update
            .entry(update_id)
            .or_default()
            .push(EvidenceLink { url, title });
    }
    let mut latest_by_milestone: HashMap<i64, ProgressUpdate> = HashMap::new();
    for (id, milestone_id, author, created_at, update_status, progress, narrative, corrects) in
        updates
    {
        latest_by_milestone.insert(
            milestone_id,
            ProgressUpdate {
                id,
                author,
                created_at,
                status: status(&update_status)?,
                progress,
                narrative,
                evidence: evidence_by_update.remove(&id).unwrap_or_default(),
                corrects,
            },
        );
    }
    rows.into_iter()
        .map(
            |(
                id,
                position,
                title,
                description,
                responsible_institution,
                planned_start,
                planned_end,
                completed_on,
                milestone_status,
                progress,
                weight,
            )| {
                Ok(Milestone {
                    latest_update: latest_by_milestone.remove(&id),
                    id,
                    position,
                    title,
                    description,
                    responsible_institution,
                    planned_start,
                    planned_end,
                    completed_on,
                    status: status(&milestone_status)?,
                    progress,
                    weight,
                })
            },
        )
        .collect()
}

/// The newest progress updates across the installation.
pub async fn recent_updates(db: &Db, limit: i64) -> Result<Vec<RecentUpdate>, StorageError> {
    let rows: Vec<(String, String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT c.code, c.title, ms.title, u.author, u.created_at, u.status, u.progress
         FROM progress_updates u
         JOIN milestones ms ON ms.id = u.milestone_id
         JOIN commitments c ON c.id = ms.commitment_id
         ORDER BY u.created_at DESC, u.id DESC
         LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(
            |(
                commitment_code,
                commitment_title,
                milestone_title,
                author,
                created_at,
                update_status,
                progress,
            )| {
                Ok(RecentUpdate {
                    commitment_code,
                    commitment_title,
                    milestone_title,
                    author,
                    created_at,
                    status: status(&update_status)?,
                    progress,
                })
            },
        )
        .collect()
}

/// Who may update a milestone depends on its commitment's member and lead institution.
#[derive(Clone, Debug, PartialEq)]
pub struct MilestoneScope {
    pub member_code: String,
    pub lead_institution: Option<String>,
    pub commitment_code: String,
}

pub async fn milestone_scope(
    db: &Db,
    milestone_id: i64,
) -> Result<Option<MilestoneScope>, StorageError> {
    let row: Option<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT m.code, c.lead_institution, c.code FROM milestones ms
         JOIN commitments c ON c.id = ms.commitment_id
         JOIN action_plans p ON p.id = c.plan_id
         JOIN members m ON m.id = p.member_id
         WHERE ms.id = $1",
    )
    .bind(milestone_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(
        |(member_code, lead_institution, commitment_code)| MilestoneScope {
            member_code,
            lead_institution,
            commitment_code,
        },
    ))
}

/// Appends an update and moves the milestone to the status and progress it reports.
pub async fn record_milestone_update(
    tx: &mut super::Tx<'_>,
    milestone_id: i64,
    update: &super::NewProgressUpdate,
) -> Result<i64, StorageError> {
    let id = super::insert_progress_update(tx, milestone_id, update).await?;
    let completed_on = (update.status == MilestoneStatus::Completed)
        .then(|| update.created_at.get(..10).unwrap_or_default().to_string());
    sqlx::query(
        "UPDATE milestones SET status = $1, progress = $2, completed_on = COALESCE($3, completed_on)
         WHERE id = $4",
    )
    .bind(update.status.as_str())
    .bind(update.progress)
    .bind(completed_on)
    .bind(milestone_id)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}
