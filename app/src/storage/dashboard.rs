//! A scope's dashboard figures (see `domain::dashboard`), worked out when read: each is one
//! grouped statement over the scope's rows, or over the score counts kept per plan.

use super::scope::{bind_scope, ScopeFilter};
use super::{Conn, Native, StorageError};
use crate::domain::{
    completion_chart, gap_chart, last_twelve_months, updates_chart, Dashboard, Indicator,
    MilestoneCounts, OverdueCommitment, Scope, ScoreValue, INDEPENDENT_SOURCES,
};
use chrono::{NaiveDate, TimeZone, Utc};

/// The commitments listed as most overdue.
pub const MOST_OVERDUE: usize = 10;

/// The dashboard of `scope` on `today`; `None` when the scope names nothing.
pub async fn dashboard(
    conn: &mut dyn Conn,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Option<Dashboard>, StorageError> {
    if super::scope_name(conn, scope).await?.is_none() {
        return Ok(None);
    }
    let filter = ScopeFilter::of(scope);
    let milestones = milestone_counts(conn, &filter, today).await?;
    let completion = completion_counts(conn, &filter).await?;
    let gaps = completion_pairs(conn, &filter).await?;
    let months = updates_per_month(conn, &filter, today).await?;
    Ok(Some(Dashboard {
        as_of: today,
        charts: vec![
            milestones.chart(),
            completion_chart(&completion),
            gap_chart(&gaps),
            updates_chart(&months, today),
        ],
        most_overdue: most_overdue(conn, &filter, today).await?,
    }))
}

#[derive(sqlx::FromRow)]
struct MilestoneRow {
    completed: i64,
    withdrawn: i64,
    overdue: i64,
    total: i64,
}

/// The scope's milestones by where they stand on `today`; overdue by the rule of
/// `storage::OVERDUE`.
async fn milestone_counts(
    conn: &mut dyn Conn,
    filter: &ScopeFilter<'_>,
    today: NaiveDate,
) -> Result<MilestoneCounts, StorageError> {
    let today_param = filter.next_param();
    let count = |condition: &str| {
        format!("CAST(COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0) AS BIGINT)")
    };
    let sql = format!(
        "SELECT {} AS completed, {} AS withdrawn, {} AS overdue, CAST(COUNT(*) AS BIGINT) AS total
         FROM milestones ms JOIN commitments c ON c.id = ms.commitment_id {}
         WHERE {}",
        count("ms.status = 'completed'"),
        count("ms.status = 'withdrawn'"),
        count(&super::milestones::OVERDUE.replace("$1", &format!("${today_param}"))),
        filter.joins,
        filter.condition,
    );
    let row: MilestoneRow = run!(
        conn,
        fetch_one,
        bind_scope!(sqlx::query_as(&sql), filter).bind(today)
    )?;
    Ok(MilestoneCounts {
        completed: row.completed,
        withdrawn: row.withdrawn,
        overdue: row.overdue,
        on_time: row.total - row.completed - row.withdrawn - row.overdue,
    })
}

/// How many published IRM assessments gave each completion level at the end of term, from
/// the counts kept per plan (each its row plus the changes not folded yet).
async fn completion_counts(
    conn: &mut dyn Conn,
    filter: &ScopeFilter<'_>,
) -> Result<Vec<(ScoreValue, i64)>, StorageError> {
    let rows_of = |table: &str| {
        format!(
            "SELECT value, n FROM {table}
             WHERE stage = 'end_of_term' AND source = 'irm' AND indicator = 'completion'
               AND {}",
            filter.plans_condition()
        )
    };
    let sql = format!(
        "SELECT value, CAST(SUM(n) AS BIGINT) FROM ({} UNION ALL {}) t
         GROUP BY value HAVING SUM(n) <> 0",
        rows_of("score_totals"),
        rows_of("score_changes")
    );
    let rows: Vec<(String, i64)> =
        run!(conn, fetch_all, bind_scope!(sqlx::query_as(&sql), filter))?;
    rows.into_iter()
        .map(|(value, n)| Ok((completion_value(&value)?, n)))
        .collect()
}

fn completion_value(raw: &str) -> Result<ScoreValue, StorageError> {
    super::assessments::score_value(Indicator::Completion, raw)
}

/// Pairs of completion levels that a government's published assessment and an
/// independent source's gave one commitment at one stage, with how many there are.
async fn completion_pairs(
    conn: &mut dyn Conn,
    filter: &ScopeFilter<'_>,
) -> Result<Vec<(ScoreValue, ScoreValue, i64)>, StorageError> {
    let independent: Vec<String> = INDEPENDENT_SOURCES
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    let sql = format!(
        "SELECT gs.value, xs.value, CAST(COUNT(*) AS BIGINT)
         FROM assessments g
         JOIN assessment_scores gs ON gs.assessment_id = g.id AND gs.indicator = 'completion'
         JOIN assessments x ON x.commitment_id = g.commitment_id AND x.stage = g.stage
            AND x.status = 'published' AND x.source IN ({})
         JOIN assessment_scores xs ON xs.assessment_id = x.id AND xs.indicator = 'completion'
         JOIN commitments c ON c.id = g.commitment_id {}
         WHERE g.source = 'government' AND g.status = 'published' AND {}
         GROUP BY gs.value, xs.value",
        independent.join(", "),
        filter.joins,
        filter.condition
    );
    let rows: Vec<(String, String, i64)> =
        run!(conn, fetch_all, bind_scope!(sqlx::query_as(&sql), filter))?;
    rows.into_iter()
        .map(|(g, x, n)| Ok((completion_value(&g)?, completion_value(&x)?, n)))
        .collect()
}

/// Progress updates of the scope per month (`YYYY-MM`, in UTC), in the twelve months up to
/// `today`'s.
async fn updates_per_month(
    conn: &mut dyn Conn,
    filter: &ScopeFilter<'_>,
    today: NaiveDate,
) -> Result<Vec<(String, i64)>, StorageError> {
    let first = last_twelve_months(today)[0];
    let since = Utc.from_utc_datetime(&first.and_hms_opt(0, 0, 0).unwrap_or_default());
    // SQLite keeps the time as RFC 3339 text, in UTC.
    let month = match conn.native() {
        Native::Sqlite(_) => "substr(u.created_at, 1, 7)",
        Native::Postgres(_) => "to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM')",
    };
    let sql = format!(
        "SELECT {month} AS month, CAST(COUNT(*) AS BIGINT)
         FROM progress_updates u
         JOIN milestones ms ON ms.id = u.milestone_id
         JOIN commitments c ON c.id = ms.commitment_id {}
         WHERE {} AND u.created_at >= ${}
         GROUP BY {month}",
        filter.joins,
        filter.condition,
        filter.next_param()
    );
    Ok(run!(
        conn,
        fetch_all,
        bind_scope!(sqlx::query_as(&sql), filter).bind(since)
    )?)
}

#[derive(sqlx::FromRow)]
struct OverdueRow {
    code: String,
    title: String,
    overdue_milestones: i64,
    overdue_since: NaiveDate,
}

/// The scope's commitments with the most overdue milestones on `today`, the longest
/// overdue first among equals.
async fn most_overdue(
    conn: &mut dyn Conn,
    filter: &ScopeFilter<'_>,
    today: NaiveDate,
) -> Result<Vec<OverdueCommitment>, StorageError> {
    let overdue = super::milestones::OVERDUE.replace("$1", &format!("${}", filter.next_param()));
    let sql = format!(
        "SELECT c.code, c.title, CAST(COUNT(*) AS BIGINT) AS overdue_milestones,
            MIN(ms.planned_end) AS overdue_since
         FROM milestones ms JOIN commitments c ON c.id = ms.commitment_id {}
         WHERE {} AND {overdue}
         GROUP BY c.id, c.code, c.title
         ORDER BY overdue_milestones DESC, overdue_since, c.id
         LIMIT {MOST_OVERDUE}",
        filter.joins, filter.condition
    );
    let rows: Vec<OverdueRow> = run!(
        conn,
        fetch_all,
        bind_scope!(sqlx::query_as(&sql), filter).bind(today)
    )?;
    Ok(rows
        .into_iter()
        .map(|row| OverdueCommitment {
            code: row.code,
            title: row.title,
            overdue_milestones: row.overdue_milestones,
            overdue_since: row.overdue_since,
        })
        .collect())
}
