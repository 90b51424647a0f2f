//! The overview's totals.

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

/// Installation-wide totals; `today` decides which milestones are overdue.
pub async fn overview(conn: &mut dyn Conn, today: NaiveDate) -> Result<Overview, StorageError> {
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
    Ok(Overview {
        members: totals.members,
        plans: totals.plans,
        commitments: totals.commitments,
        milestones: totals.milestones,
        completed_milestones: totals.completed,
        overdue_milestones: totals.overdue,
        demo: totals.demo_members > 0,
        recent_updates: recent_updates(conn, 10).await?,
    })
}
