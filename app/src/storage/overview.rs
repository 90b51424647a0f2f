//! The overview's totals: read from the totals the writes keep (migration 0012), so the
//! overview costs the same at any size.

use super::feeds::recent_updates;
use super::milestones::OVERDUE;
use super::{Conn, StorageError};
use crate::domain::{Overview, Scope};
use chrono::NaiveDate;

#[derive(sqlx::FromRow)]
struct Totals {
    members: i64,
    plans: i64,
    commitments: i64,
    milestones: i64,
    completed: i64,
    overdue: i64,
    demo_members: i64,
}

impl Totals {
    fn overview(self) -> Overview {
        Overview {
            members: self.members,
            plans: self.plans,
            commitments: self.commitments,
            milestones: self.milestones,
            completed_milestones: self.completed,
            overdue_milestones: self.overdue,
            demo: self.demo_members > 0,
            recent_updates: Vec::new(),
        }
    }
}

/// Installation-wide totals; `today` decides which milestones are overdue. Each is its
/// kept count plus the changes not yet folded into it (migration 0012).
pub async fn overview(conn: &mut dyn Conn, today: NaiveDate) -> Result<Overview, StorageError> {
    let total = |name: &str| {
        format!(
            "(SELECT CAST(SUM(n) AS BIGINT) FROM (
                SELECT n FROM totals WHERE name = '{name}'
                UNION ALL SELECT n FROM total_changes WHERE name = '{name}') t)"
        )
    };
    let sql = format!(
        "SELECT {} AS members, {} AS plans, {} AS commitments, {} AS milestones,
            {} AS completed, {} AS demo_members,
            (SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM (
                SELECT n FROM open_milestone_ends WHERE planned_end < $1
                UNION ALL SELECT n FROM total_changes
                    WHERE name = 'open_milestones' AND planned_end < $1) t) AS overdue",
        total("members"),
        total("plans"),
        total("commitments"),
        total("milestones"),
        total("completed_milestones"),
        total("demo_members"),
    );
    let totals: Totals = run!(conn, fetch_one, sqlx::query_as(&sql).bind(today))?;
    Ok(Overview {
        recent_updates: recent_updates(conn, &Scope::All, 10).await?,
        ..totals.overview()
    })
}

/// Folds the changes appended by the triggers of migrations 0012 and 0015 (on SQLite, since
/// 0018, only the totals' changes and score changes appended before it) into the counts
/// they change, so that reading a count stays a few rows. Exactly the changes it deletes are
/// added, so a change committed meanwhile waits for the next fold; one fold runs at a time
/// (another finds it under way and leaves the changes to it). Answers how many changes
/// were folded.
pub async fn fold_total_changes(conn: &mut dyn Conn) -> Result<usize, StorageError> {
    use std::collections::BTreeMap;
    if !super::dialect::take_fold_turn(conn).await? {
        return Ok(0);
    }
    let changes = super::dialect::take_total_changes(conn).await?;
    let mut totals: BTreeMap<&str, i64> = BTreeMap::new();
    let mut ends: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for change in &changes {
        match change.planned_end {
            Some(day) => *ends.entry(day).or_default() += change.n,
            None => *totals.entry(&change.name).or_default() += change.n,
        }
    }
    for (name, n) in totals.into_iter().filter(|(_, n)| *n != 0) {
        execute!(
            conn,
            sqlx::query("UPDATE totals SET n = n + $2 WHERE name = $1")
                .bind(name)
                .bind(n)
        )?;
    }
    for (day, n) in ends.into_iter().filter(|(_, n)| *n != 0) {
        execute!(
            conn,
            sqlx::query(
                "INSERT INTO open_milestone_ends (planned_end, n) VALUES ($1, $2)
                 ON CONFLICT (planned_end) DO UPDATE SET n = open_milestone_ends.n + $2"
            )
            .bind(day)
            .bind(n)
        )?;
    }
    let scores = super::dialect::fold_score_changes(conn).await?;
    Ok(changes
        .iter()
        .map(|c| usize::try_from(c.changes).unwrap_or_default())
        .sum::<usize>()
        + scores)
}

/// [`fold_total_changes`] in a transaction of its own, for after a write that made many
/// changes (an import, demo data) and now and then on every app server. A failure loses
/// nothing (the changes stay to fold next time), so it is only logged.
pub async fn fold_totals(db: &super::Db) {
    let folded = async {
        let mut tx = db.begin().await?;
        let n = fold_total_changes(&mut tx).await?;
        // The totals read the same before and after.
        tx.commit_unseen().await?;
        Ok::<usize, StorageError>(n)
    };
    if let Err(error) = folded.await {
        tracing::warn!(%error, "cannot fold the totals' changes; they stay for the next time");
    }
}

/// The same totals counted from the rows themselves, without recent updates: what the kept
/// totals must always equal (the tests compare them after every kind of write).
pub async fn overview_recounted(
    conn: &mut dyn Conn,
    today: NaiveDate,
) -> Result<Overview, StorageError> {
    let sql = format!(
        "SELECT
                (SELECT COUNT(*) FROM members) AS members,
                (SELECT COUNT(*) FROM action_plans) AS plans,
                (SELECT COUNT(*) FROM commitments) AS commitments,
                (SELECT COUNT(*) FROM milestones) AS milestones,
                (SELECT COUNT(*) FROM milestones WHERE status = 'completed') AS completed,
                (SELECT COUNT(*) FROM milestones ms WHERE {OVERDUE}) AS overdue,
                (SELECT COUNT(*) FROM members WHERE demo) AS demo_members"
    );
    let totals: Totals = run!(conn, fetch_one, sqlx::query_as(&sql).bind(today))?;
    Ok(totals.overview())
}
