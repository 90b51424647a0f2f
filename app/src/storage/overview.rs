//! The overview's totals: read from the totals the writes keep (migration 0012), so the
//! overview costs the same at any size.

use super::milestones::{recent_updates, OVERDUE};
use super::{Conn, StorageError};
use crate::domain::Overview;
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

/// Installation-wide totals; `today` decides which milestones are overdue.
pub async fn overview(conn: &mut dyn Conn, today: NaiveDate) -> Result<Overview, StorageError> {
    let sql = "SELECT
            (SELECT n FROM totals WHERE name = 'members') AS members,
            (SELECT n FROM totals WHERE name = 'plans') AS plans,
            (SELECT n FROM totals WHERE name = 'commitments') AS commitments,
            (SELECT n FROM totals WHERE name = 'milestones') AS milestones,
            (SELECT n FROM totals WHERE name = 'completed_milestones') AS completed,
            (SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM open_milestone_ends
                WHERE planned_end < $1)
                AS overdue,
            (SELECT n FROM totals WHERE name = 'demo_members') AS demo_members";
    let totals: Totals = run!(conn, fetch_one, sqlx::query_as(sql).bind(today))?;
    Ok(Overview {
        recent_updates: recent_updates(conn, 10).await?,
        ..totals.overview()
    })
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
