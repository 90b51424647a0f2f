//! Milestones and their progress updates.

use super::{Conn, StorageError};
use crate::domain::{
    EvidenceFile, EvidenceLink, Milestone, MilestoneStatus, ProgressUpdate, PublicActor, Role,
};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct MilestoneRow {
    id: i64,
    position: i64,
    title: String,
    description: Option<String>,
    responsible_institution: Option<String>,
    planned_start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    completed_on: Option<NaiveDate>,
    status: MilestoneStatus,
    progress: i64,
    weight: f64,
    version: i64,
}

const MILESTONE_COLUMNS: &str = "ms.id, ms.position, ms.title, ms.description, \
     ms.responsible_institution, ms.planned_start, ms.planned_end, ms.completed_on, ms.status, \
     ms.progress, ms.weight, ms.version";

impl MilestoneRow {
    fn into_milestone(self, latest_update: Option<ProgressUpdate>) -> Milestone {
        Milestone {
            id: self.id,
            position: self.position,
            title: self.title,
            description: self.description,
            responsible_institution: self.responsible_institution,
            planned_start: self.planned_start,
            planned_end: self.planned_end,
            completed_on: self.completed_on,
            status: self.status,
            progress: self.progress,
            weight: self.weight,
            version: self.version,
            latest_update,
        }
    }
}

/// The condition on a milestone `ms` of being overdue on the day bound as `$1`, as
/// [`Milestone::is_overdue`] says.
pub const OVERDUE: &str = "ms.status NOT IN ('completed', 'withdrawn') AND ms.planned_end < $1";

#[derive(sqlx::FromRow)]
struct UpdateRow {
    id: i64,
    milestone_id: i64,
    author_role: Option<Role>,
    author_institution: Option<String>,
    created_at: DateTime<Utc>,
    status: MilestoneStatus,
    progress: i64,
    narrative: String,
    corrects_id: Option<i64>,
}

const UPDATE_COLUMNS: &str =
    "u.id, u.milestone_id, u.author_role, u.author_institution, u.created_at, u.status, u.progress,
     u.narrative, u.corrects_id";

/// The public author of an update, from its stored facts.
pub(super) fn author(role: Option<Role>, institution: Option<String>) -> PublicActor {
    PublicActor {
        role,
        member: None,
        institution,
    }
}

#[derive(sqlx::FromRow)]
struct EvidenceRow {
    update_id: i64,
    url: String,
    title: String,
}

#[derive(sqlx::FromRow)]
struct FileRow {
    update_id: i64,
    id: i64,
    file_name: String,
    media_type: String,
    size_bytes: i64,
}

const FILE_COLUMNS: &str = "f.update_id, f.id, f.file_name, f.media_type, f.size_bytes";

const LATEST_UPDATE: &str =
    "u.id = (SELECT u2.id FROM progress_updates u2 WHERE u2.milestone_id = u.milestone_id
                    ORDER BY u2.created_at DESC, u2.id DESC LIMIT 1)";

/// Updates with their evidence links and files, keyed by milestone id.
fn with_evidence(
    updates: Vec<UpdateRow>,
    evidence: Vec<EvidenceRow>,
    files: Vec<FileRow>,
) -> Vec<(i64, ProgressUpdate)> {
    let mut files_of: HashMap<i64, Vec<EvidenceFile>> = HashMap::new();
    for row in files {
        files_of
            .entry(row.update_id)
            .or_default()
            .push(EvidenceFile {
                id: row.id,
                name: row.file_name,
                media_type: row.media_type,
                size_bytes: row.size_bytes,
            });
    }
    let mut by_update: HashMap<i64, Vec<EvidenceLink>> = HashMap::new();
    for row in evidence {
        by_update
            .entry(row.update_id)
            .or_default()
            .push(EvidenceLink {
                url: row.url,
                title: row.title,
            });
    }
    updates
        .into_iter()
        .map(|row| {
            (
                row.milestone_id,
                ProgressUpdate {
                    evidence: by_update.remove(&row.id).unwrap_or_default(),
                    files: files_of.remove(&row.id).unwrap_or_default(),
                    id: row.id,
                    author: author(row.author_role, row.author_institution),
                    created_at: row.created_at,
                    status: row.status,
                    progress: row.progress,
                    narrative: row.narrative,
                    corrects: row.corrects_id,
                },
            )
        })
        .collect()
}

/// A commitment's milestones in order, each with its latest update and that update's evidence.
pub async fn milestones_of(
    conn: &mut dyn Conn,
    commitment_id: i64,
) -> Result<Vec<Milestone>, StorageError> {
    let sql = format!(
        "SELECT {MILESTONE_COLUMNS} FROM milestones ms
         WHERE ms.commitment_id = $1 ORDER BY ms.position, ms.id"
    );
    let rows: Vec<MilestoneRow> = run!(conn, fetch_all, sqlx::query_as(&sql).bind(commitment_id))?;
    let sql = format!(
        "SELECT {UPDATE_COLUMNS}
         FROM progress_updates u JOIN milestones ms ON ms.id = u.milestone_id
         WHERE ms.commitment_id = $1 AND {LATEST_UPDATE}"
    );
    let updates: Vec<UpdateRow> = run!(conn, fetch_all, sqlx::query_as(&sql).bind(commitment_id))?;
    let sql = format!(
        "SELECT e.update_id, e.url, e.title
         FROM evidence_links e JOIN progress_updates u ON u.id = e.update_id
         JOIN milestones ms ON ms.id = u.milestone_id
         WHERE ms.commitment_id = $1 AND {LATEST_UPDATE}
         ORDER BY e.id"
    );
    let evidence: Vec<EvidenceRow> =
        run!(conn, fetch_all, sqlx::query_as(&sql).bind(commitment_id))?;
    let sql = format!(
        "SELECT {FILE_COLUMNS}
         FROM evidence_files f JOIN progress_updates u ON u.id = f.update_id
         JOIN milestones ms ON ms.id = u.milestone_id
         WHERE ms.commitment_id = $1 AND {LATEST_UPDATE}
         ORDER BY f.id"
    );
    let files: Vec<FileRow> = run!(conn, fetch_all, sqlx::query_as(&sql).bind(commitment_id))?;
    let mut latest: HashMap<i64, ProgressUpdate> = with_evidence(updates, evidence, files)
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let update = latest.remove(&row.id);
            row.into_milestone(update)
        })
        .collect())
}

/// Where a milestone sits: what its page and its policy check need.
#[derive(Clone, Debug, PartialEq)]
pub struct MilestoneScope {
    pub milestone_id: i64,
    pub commitment_id: i64,
    pub commitment_code: String,
    pub commitment_title: String,
    pub member_code: String,
    pub lead_institution: Option<String>,
    pub demo: bool,
    /// The commitment was withdrawn: its milestones are kept as they are.
    pub commitment_withdrawn: bool,
}

#[derive(sqlx::FromRow)]
struct MilestoneInContext {
    #[sqlx(flatten)]
    milestone: MilestoneRow,
    commitment_id: i64,
    commitment_code: String,
    commitment_title: String,
    member_code: String,
    lead_institution: Option<String>,
    demo: bool,
    commitment_withdrawn: bool,
}

/// A milestone, as stored now, with where it sits.
pub async fn milestone_in_context(
    conn: &mut dyn Conn,
    milestone_id: i64,
) -> Result<Option<(Milestone, MilestoneScope)>, StorageError> {
    let sql = format!(
        "SELECT {MILESTONE_COLUMNS}, c.id AS commitment_id, c.code AS commitment_code,
            c.title AS commitment_title, m.code AS member_code, c.lead_institution, c.demo,
            c.withdrawn_on IS NOT NULL AS commitment_withdrawn
         FROM milestones ms
         JOIN commitments c ON c.id = ms.commitment_id
         JOIN action_plans p ON p.id = c.plan_id
         JOIN members m ON m.id = p.member_id
         WHERE ms.id = $1"
    );
    let row: Option<MilestoneInContext> = run!(
        conn,
        fetch_optional,
        sqlx::query_as(&sql).bind(milestone_id)
    )?;
    Ok(row.map(|row| {
        let scope = MilestoneScope {
            milestone_id: row.milestone.id,
            commitment_id: row.commitment_id,
            commitment_code: row.commitment_code,
            commitment_title: row.commitment_title,
            member_code: row.member_code,
            lead_institution: row.lead_institution,
            demo: row.demo,
            commitment_withdrawn: row.commitment_withdrawn,
        };
        (row.milestone.into_milestone(None), scope)
    }))
}

/// Every update of a milestone, newest first, with evidence.
pub async fn updates_of_milestone(
    conn: &mut dyn Conn,
    milestone_id: i64,
) -> Result<Vec<ProgressUpdate>, StorageError> {
    let sql = format!(
        "SELECT {UPDATE_COLUMNS} FROM progress_updates u WHERE u.milestone_id = $1
         ORDER BY u.created_at DESC, u.id DESC"
    );
    let updates: Vec<UpdateRow> = run!(conn, fetch_all, sqlx::query_as(&sql).bind(milestone_id))?;
    let evidence: Vec<EvidenceRow> = run!(
        conn,
        fetch_all,
        sqlx::query_as(
            "SELECT e.update_id, e.url, e.title FROM evidence_links e
             JOIN progress_updates u ON u.id = e.update_id
             WHERE u.milestone_id = $1 ORDER BY e.id",
        )
        .bind(milestone_id)
    )?;
    let sql = format!(
        "SELECT {FILE_COLUMNS} FROM evidence_files f
         JOIN progress_updates u ON u.id = f.update_id
         WHERE u.milestone_id = $1 ORDER BY f.id"
    );
    let files: Vec<FileRow> = run!(conn, fetch_all, sqlx::query_as(&sql).bind(milestone_id))?;
    Ok(with_evidence(updates, evidence, files)
        .into_iter()
        .map(|(_, update)| update)
        .collect())
}

/// A milestone's state as an update sets it.
#[derive(Clone, Debug, PartialEq)]
pub struct MilestoneState {
    pub status: MilestoneStatus,
    pub progress: i64,
    pub completed_on: Option<NaiveDate>,
}

/// Sets a milestone's state if it is still at `version`, raising the version; false when
/// another change came first (then nothing is written).
pub async fn set_milestone_state(
    conn: &mut dyn Conn,
    milestone_id: i64,
    version: i64,
    state: &MilestoneState,
) -> Result<bool, StorageError> {
    let done = execute!(
        conn,
        sqlx::query(
            "UPDATE milestones SET status = $1, progress = $2, completed_on = $3,
                version = version + 1
             WHERE id = $4 AND version = $5",
        )
        .bind(state.status)
        .bind(state.progress)
        .bind(state.completed_on)
        .bind(milestone_id)
        .bind(version)
    )?;
    super::milestone_facts_changed(conn, milestone_id).await?;
    Ok(done == 1)
}

/// Saves the fields a point of contact edits (title, description, responsible institution,
/// planned dates, weight) if the milestone is still at `version`, raising the version;
/// false when another change came first.
pub async fn update_milestone_fields(
    conn: &mut dyn Conn,
    milestone: &Milestone,
    version: i64,
) -> Result<bool, StorageError> {
    let done = execute!(
        conn,
        sqlx::query(
            "UPDATE milestones SET title = $1, description = $2, responsible_institution = $3,
                planned_start = $4, planned_end = $5, weight = $6, version = version + 1
             WHERE id = $7 AND version = $8",
        )
        .bind(&milestone.title)
        .bind(&milestone.description)
        .bind(&milestone.responsible_institution)
        .bind(milestone.planned_start)
        .bind(milestone.planned_end)
        .bind(milestone.weight)
        .bind(milestone.id)
        .bind(version)
    )?;
    if done == 1 {
        let commitment_id: i64 = run!(
            conn,
            fetch_one,
            sqlx::query_scalar("SELECT commitment_id FROM milestones WHERE id = $1")
                .bind(milestone.id)
        )?;
        super::index_commitments(conn, &[commitment_id]).await?;
    }
    Ok(done == 1)
}

/// Moves a milestone to `position` in its commitment's list, raising its version.
pub async fn set_milestone_position(
    conn: &mut dyn Conn,
    milestone_id: i64,
    position: i64,
) -> Result<(), StorageError> {
    execute!(
        conn,
        sqlx::query("UPDATE milestones SET position = $1, version = version + 1 WHERE id = $2")
            .bind(position)
            .bind(milestone_id)
    )?;
    Ok(())
}

/// The place after the last milestone of a commitment.
pub async fn next_milestone_position(
    conn: &mut dyn Conn,
    commitment_id: i64,
) -> Result<i64, StorageError> {
    let last: Option<i64> = run!(
        conn,
        fetch_one,
        sqlx::query_scalar("SELECT MAX(position) FROM milestones WHERE commitment_id = $1")
            .bind(commitment_id)
    )?;
    Ok(last.unwrap_or(0) + 1)
}

/// A stored evidence file: its name, media type and content.
pub async fn evidence_file(
    conn: &mut dyn Conn,
    id: i64,
) -> Result<Option<(String, String, Vec<u8>)>, StorageError> {
    Ok(run!(
        conn,
        fetch_optional,
        sqlx::query_as("SELECT file_name, media_type, content FROM evidence_files WHERE id = $1")
            .bind(id)
    )?)
}

/// Whether update `update_id` is one of milestone `milestone_id`'s.
pub async fn is_update_of(
    conn: &mut dyn Conn,
    update_id: i64,
    milestone_id: i64,
) -> Result<bool, StorageError> {
    let found: Option<i64> = run!(
        conn,
        fetch_optional,
        sqlx::query_scalar("SELECT id FROM progress_updates WHERE id = $1 AND milestone_id = $2")
            .bind(update_id)
            .bind(milestone_id)
    )?;
    Ok(found.is_some())
}
