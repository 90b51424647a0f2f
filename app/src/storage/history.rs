//! The public change history: written in the same transaction as the change it records,
//! never updated; only replacing demo data removes the history of demo records.

use super::{Conn, StorageError};
use crate::domain::{
    changed_fields, AssessmentLabel, AssessmentSource, Change, ChangeCause, FieldValues,
    HistoryEntry, HistoryField, HistoryPage, PublicActor, RecordKind, Role, ScaleSet, Stage,
};
use chrono::{DateTime, Utc};

/// What caused a change and who made it.
#[derive(Clone, Debug)]
pub struct NewChange {
    pub at: DateTime<Utc>,
    pub cause: ChangeCause,
    /// For an import: the file's name.
    pub source: Option<String>,
    pub actor: PublicActor,
    /// The account behind the change, kept for accountability; never shown publicly.
    pub actor_user_id: Option<i64>,
}

/// One field of one record, before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEntry {
    pub record: RecordKind,
    pub record_id: i64,
    /// The commitment whose history shows the entry (none for members and plans).
    pub commitment_id: Option<i64>,
    pub milestone_id: Option<i64>,
    pub field: HistoryField,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl NewEntry {
    /// The entry saying a record was created, named by `label` (its title, say).
    pub fn created(
        record: RecordKind,
        record_id: i64,
        commitment_id: Option<i64>,
        milestone_id: Option<i64>,
        label: &str,
    ) -> NewEntry {
        NewEntry {
            record,
            record_id,
            commitment_id,
            milestone_id,
            field: HistoryField::Field(crate::domain::RecordField::Record),
            before: None,
            after: Some(label.to_string()),
        }
    }

    /// The entries for the fields of one record that differ between `before` and `after`.
    pub fn changes(
        record: RecordKind,
        record_id: i64,
        commitment_id: Option<i64>,
        milestone_id: Option<i64>,
        before: &FieldValues,
        after: &FieldValues,
    ) -> Vec<NewEntry> {
        changed_fields(before, after)
            .into_iter()
            .map(|(field, before, after)| NewEntry {
                record,
                record_id,
                commitment_id,
                milestone_id,
                field,
                before,
                after,
            })
            .collect()
    }
}

/// Collects the history of one command: the change is written with its first entry, so a
/// command that changed nothing leaves no trace.
#[derive(Debug)]
pub struct ChangeRecorder {
    change: NewChange,
    id: Option<i64>,
    /// Entries added but not written yet (see [`ChangeRecorder::add`]).
    pending: Vec<NewEntry>,
    /// How many entries were written.
    pub entries: usize,
}

impl ChangeRecorder {
    pub fn new(change: NewChange) -> ChangeRecorder {
        ChangeRecorder {
            change,
            id: None,
            pending: Vec::new(),
            entries: 0,
        }
    }

    pub fn at(&self) -> DateTime<Utc> {
        self.change.at
    }

    /// Adds an entry to write with others, in batches; [`ChangeRecorder::flush`] writes the
    /// rest before the transaction commits.
    pub async fn add(&mut self, conn: &mut dyn Conn, entry: NewEntry) -> Result<(), StorageError> {
        self.add_all(conn, [entry]).await
    }

    /// Adds several entries, like [`ChangeRecorder::add`].
    pub async fn add_all(
        &mut self,
        conn: &mut dyn Conn,
        entries: impl IntoIterator<Item = NewEntry>,
    ) -> Result<(), StorageError> {
        self.pending.extend(entries);
        if self.pending.len() >= ENTRIES_PER_STATEMENT {
            self.flush(conn).await?;
        }
        Ok(())
    }

    pub async fn flush(&mut self, conn: &mut dyn Conn) -> Result<(), StorageError> {
        let pending = std::mem::take(&mut self.pending);
        self.record(conn, &pending).await
    }

    /// Writes `entries` now.
    pub async fn record(
        &mut self,
        conn: &mut dyn Conn,
        entries: &[NewEntry],
    ) -> Result<(), StorageError> {
        if entries.is_empty() {
            return Ok(());
        }
        let change_id = match self.id {
            Some(id) => id,
            None => {
                let id = insert_change(conn, &self.change).await?;
                self.id = Some(id);
                id
            }
        };
        insert_entries(conn, change_id, entries).await?;
        self.entries += entries.len();
        Ok(())
    }
}

async fn insert_change(conn: &mut dyn Conn, change: &NewChange) -> Result<i64, StorageError> {
    let id: i64 =
        run!(conn, fetch_one, sqlx::query_scalar(
            "INSERT INTO changes (at, cause, source, actor_role, actor_member, actor_institution,
                actor_user_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(change.at)
        .bind(change.cause)
        .bind(&change.source)
        .bind(change.actor.role)
        .bind(&change.actor.member)
        .bind(&change.actor.institution)
        .bind(change.actor_user_id))?;
    Ok(id)
}

/// How many entries [`ChangeRecorder::add`] gathers before writing them.
const ENTRIES_PER_STATEMENT: usize = 400;

async fn insert_entries(
    conn: &mut dyn Conn,
    change_id: i64,
    entries: &[NewEntry],
) -> Result<(), StorageError> {
    insert_rows!(
        conn,
        "INSERT INTO change_entries (change_id, record, record_id, commitment_id,
            milestone_id, field, value_before, value_after) ",
        entries,
        "",
        |row, entry| row
            .push_bind(change_id)
            .push_bind(entry.record)
            .push_bind(entry.record_id)
            .push_bind(entry.commitment_id)
            .push_bind(entry.milestone_id)
            .push_bind(entry.field.machine_name())
            .push_bind(entry.before.clone())
            .push_bind(entry.after.clone())
    );
    Ok(())
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    change_id: i64,
    at: DateTime<Utc>,
    cause: ChangeCause,
    source: Option<String>,
    actor_role: Option<Role>,
    actor_member: Option<String>,
    actor_institution: Option<String>,
    record: RecordKind,
    record_id: i64,
    milestone: Option<String>,
    assessment_source: Option<AssessmentSource>,
    assessment_stage: Option<Stage>,
    assessment_scale: Option<ScaleSet>,
    field: String,
    value_before: Option<String>,
    value_after: Option<String>,
}

/// The entries a commitment's history shows: its own, its milestones', their updates', its
/// assessments', and those of its plan and member.
const OF_COMMITMENT: &str = "(e.commitment_id = $1
    OR (e.record = 'plan' AND e.record_id = $2)
    OR (e.record = 'member' AND e.record_id = $3))";

/// One page of a commitment's history (its own fields, its milestones, their updates, its
/// assessments, its plan and its member), newest change first, with the number of changes.
pub async fn commitment_history(
    conn: &mut dyn Conn,
    code: &str,
    limit: i64,
    offset: i64,
) -> Result<Option<HistoryPage>, StorageError> {
    #[derive(sqlx::FromRow)]
    struct Found {
        id: i64,
        code: String,
        title: String,
        plan_id: i64,
        member_id: i64,
    }
    let found: Option<Found> = run!(
        conn,
        fetch_optional,
        sqlx::query_as(
            "SELECT c.id, c.code, c.title, c.plan_id, p.member_id
             FROM commitments c JOIN action_plans p ON p.id = c.plan_id WHERE c.code = $1",
        )
        .bind(code)
    )?;
    let Some(Found {
        id: commitment_id,
        code: commitment_code,
        title: commitment_title,
        plan_id,
        member_id,
    }) = found
    else {
        return Ok(None);
    };
    let sql =
        format!("SELECT COUNT(DISTINCT e.change_id) FROM change_entries e WHERE {OF_COMMITMENT}");
    let total_changes: i64 = run!(
        conn,
        fetch_one,
        sqlx::query_scalar(&sql)
            .bind(commitment_id)
            .bind(plan_id)
            .bind(member_id)
    )?;
    let sql = format!(
        "SELECT DISTINCT e.change_id FROM change_entries e WHERE {OF_COMMITMENT}
         ORDER BY e.change_id DESC LIMIT $4 OFFSET $5"
    );
    let ids: Vec<i64> = run!(
        conn,
        fetch_all,
        sqlx::query_scalar(&sql)
            .bind(commitment_id)
            .bind(plan_id)
            .bind(member_id)
            .bind(limit)
            .bind(offset)
    )?;
    let (Some(newest), Some(oldest)) = (ids.first(), ids.last()) else {
        return Ok(Some(HistoryPage {
            commitment_code,
            commitment_title,
            changes: Vec::new(),
            total_changes,
        }));
    };
    // The page's changes are consecutive among this commitment's, so a range finds them.
    let sql = format!(
        "SELECT e.change_id, ch.at, ch.cause, ch.source, ch.actor_role, ch.actor_member,
            ch.actor_institution, e.record, e.record_id, ms.title AS milestone,
            a.source AS assessment_source, a.stage AS assessment_stage,
            a.scale AS assessment_scale, e.field, e.value_before, e.value_after
         FROM change_entries e
         JOIN changes ch ON ch.id = e.change_id
         LEFT JOIN milestones ms ON ms.id = e.milestone_id
         LEFT JOIN assessments a ON e.record = 'assessment' AND a.id = e.record_id
         WHERE {OF_COMMITMENT} AND e.change_id BETWEEN $4 AND $5
         ORDER BY e.change_id DESC, e.id"
    );
    let rows: Vec<EntryRow> = run!(
        conn,
        fetch_all,
        sqlx::query_as(&sql)
            .bind(commitment_id)
            .bind(plan_id)
            .bind(member_id)
            .bind(*oldest)
            .bind(*newest)
    )?;
    let mut changes: Vec<Change> = Vec::new();
    for row in rows {
        let Some(field) = HistoryField::from_machine_name(&row.field) else {
            return Err(super::corrupt("history field", &row.field));
        };
        if changes.last().map(|c| c.id) != Some(row.change_id) {
            changes.push(Change {
                id: row.change_id,
                at: row.at,
                cause: row.cause,
                source: row.source,
                actor: PublicActor {
                    role: row.actor_role,
                    member: row.actor_member,
                    institution: row.actor_institution,
                },
                entries: Vec::new(),
            });
        }
        if let Some(change) = changes.last_mut() {
            change.entries.push(HistoryEntry {
                record: row.record,
                record_id: row.record_id,
                milestone: row.milestone,
                assessment: match (
                    row.assessment_source,
                    row.assessment_stage,
                    row.assessment_scale,
                ) {
                    (Some(source), Some(stage), Some(scale)) => Some(AssessmentLabel {
                        source,
                        stage,
                        scale,
                    }),
                    _ => None,
                },
                field,
                before: row.value_before,
                after: row.value_after,
            });
        }
    }
    Ok(Some(HistoryPage {
        commitment_code,
        commitment_title,
        changes,
        total_changes,
    }))
}
