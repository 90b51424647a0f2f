//! The overview's totals.

use super::milestones::recent_updates;
use super::{Db, StorageError};
use crate::domain::Overview;

/// Installation-wide totals; `today` (ISO date) decides which milestones are overdue.
pub async fn overview(db: &Db, today: &str) -> Result<Overview, StorageError> {
    let (members, plans, commitments, milestones, completed, overdue, demo): (
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT
                (SELECT COUNT(*) FROM members),
                (SELECT COUNT(*) FROM action_plans),
                (SELECT COUNT(*) FROM commitments),
                (SELECT COUNT(*) FROM milestones),
                (SELECT COUNT(*) FROM milestones WHERE status = 'completed'),
                (SELECT COUNT(*) FROM milestones
                  WHERE status NOT IN ('completed', 'withdrawn') AND planned_end < $1),
                (SELECT COUNT(*) FROM members WHERE demo = 1)",
    )
    .bind(today)
    .fetch_one(&db.pool)
    .await?;
    Ok(Overview {
        members,
        plans,
        commitments,
        milestones,
        completed_milestones: completed,
        overdue_milestones: overdue,
        demo: demo > 0,
        recent_updates: recent_updates(db, 10).await?,
    })
}
