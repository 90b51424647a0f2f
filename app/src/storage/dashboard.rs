//! A scope's dashboard (see `domain::dashboard`), counted from its commitments' facts
//! (`super::facts`), and the explore pages' lists and rankings, grouped in SQL.

use super::memo::{kept_page, kept_record, version_now, ReadAt, Record, Working};
use super::scope::{bind_scope, ScopeFilter, TO_MEMBER};
use super::{Conn, StorageError};
use crate::domain::search::{list_address, Facet};
use crate::domain::{
    completion_chart, gap_chart, high_completion_levels, last_twelve_months, strong_result_levels,
    updates_chart, Chart, Completion, Dashboard, Explore, MemberResults, OgpValue,
    OverdueCommitment, Region, Scope,
};
use chrono::NaiveDate;

/// The commitments listed as most overdue.
pub const MOST_OVERDUE: usize = 10;

/// The dashboard of `scope` on `today` from `facts` (worked out for `today`); `None` when
/// the scope names nothing. Every bar links to the commitments it counts, save OGP's
/// missing-value codes'. A figure may count more than its list holds: the end-of-term
/// completion chart counts assessments (a commitment assessed twice, twice), the gap chart
/// pairs of assessments, the updates chart updates, the milestones chart milestones.
async fn dashboard(
    conn: &mut dyn Conn,
    facts: &super::facts::FactTable,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Option<Dashboard>, StorageError> {
    if super::scope_name(conn, scope).await?.is_none() {
        return Ok(None);
    }
    let months: Vec<String> = last_twelve_months(today)
        .iter()
        .map(|m| m.format("%Y-%m").to_string())
        .collect();
    let counts = super::facts::scope_counts(facts, scope, &months, MOST_OVERDUE);
    let list = |facet: Facet, key: &str| Some(list_address(scope, &[(facet, key)]));
    let linked = |mut chart: Chart, facet: Facet| {
        for bar in &mut chart.bars {
            bar.href = list(facet, &bar.key);
        }
        chart
    };
    let mut completion = completion_chart(&counts.end_of_term);
    for bar in &mut completion.bars {
        bar.href =
            Completion::from_machine(&bar.key).and_then(|_| list(Facet::EndOfTerm, &bar.key));
    }
    let [latest, by_cycle, results, early] = counts
        .results
        .charts(|chosen| Some(list_address(scope, chosen)));
    Ok(Some(Dashboard {
        as_of: today,
        charts: vec![
            linked(counts.milestones.chart(), Facet::Milestones),
            completion,
            latest,
            by_cycle,
            results,
            early,
            linked(gap_chart(&counts.gaps), Facet::Gap),
            linked(updates_chart(&counts.months, today), Facet::Updated),
        ],
        most_overdue: most_overdue(conn, counts.most_overdue).await?,
    }))
}

/// The most overdue commitments with their titles (read now: the facts hold none).
async fn most_overdue(
    conn: &mut dyn Conn,
    counted: Vec<(i64, String, i64, NaiveDate)>,
) -> Result<Vec<OverdueCommitment>, StorageError> {
    if counted.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = counted.iter().map(|(id, ..)| *id).collect();
    let sql = format!(
        "SELECT id, title FROM commitments WHERE id IN ({})",
        super::search::id_list(&ids)
    );
    let titles: std::collections::HashMap<i64, String> =
        run!(conn, fetch_all, sqlx::query_as::<_, (i64, String)>(&sql))?
            .into_iter()
            .collect();
    Ok(counted
        .into_iter()
        .filter_map(|(id, code, overdue_milestones, overdue_since)| {
            // One removed since the facts were worked out is left out.
            Some(OverdueCommitment {
                title: titles.get(&id)?.clone(),
                code,
                overdue_milestones,
                overdue_since,
            })
        })
        .collect())
}

/// How many commitments each region, value, policy area and leading institution holds.
pub async fn explore(conn: &mut dyn Conn) -> Result<Explore, StorageError> {
    let regions: Vec<(Option<Region>, i64)> = run!(
        conn,
        fetch_all,
        sqlx::query_as(
            "SELECT m.region, CAST(COUNT(*) AS BIGINT) FROM commitments c
             JOIN action_plans p ON p.id = c.plan_id JOIN members m ON m.id = p.member_id
             GROUP BY m.region"
        )
    )?;
    let values: Vec<(OgpValue, i64)> = run!(
        conn,
        fetch_all,
        sqlx::query_as(
            "SELECT value, CAST(COUNT(*) AS BIGINT) FROM commitment_values GROUP BY value"
        )
    )?;
    let policy_areas: Vec<(String, String, i64)> = run!(
        conn,
        fetch_all,
        sqlx::query_as(
            "SELECT pa.slug, pa.name, CAST(COUNT(cpa.commitment_id) AS BIGINT)
             FROM policy_areas pa
             LEFT JOIN commitment_policy_areas cpa ON cpa.policy_area_id = pa.id
             GROUP BY pa.id, pa.slug, pa.name"
        )
    )?;
    let sql = format!(
        "SELECT lead_institution, CAST(COUNT(*) AS BIGINT) AS n FROM commitments
         WHERE lead_institution IS NOT NULL
         GROUP BY lead_institution ORDER BY n DESC, MIN(id)
         LIMIT {}",
        Explore::INSTITUTIONS
    );
    let institutions: Vec<(String, i64)> = run!(conn, fetch_all, sqlx::query_as(&sql))?;
    // In the enums' order, and names in Rust's (byte) order, the same on both databases
    // (which sort text by different rules; the institutions past the cut are the same on
    // both, as ties there go by the first commitment's id).
    let mut regions: Vec<(Region, i64)> = regions
        .into_iter()
        .filter_map(|(region, n)| region.map(|r| (r, n)))
        .collect();
    regions.sort_by_key(|(r, _)| *r as u8);
    let mut values = values;
    values.sort_by_key(|(v, _)| *v as u8);
    let mut policy_areas = policy_areas;
    policy_areas.sort_by(|a, b| a.1.cmp(&b.1));
    let mut institutions = institutions;
    institutions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(Explore {
        regions,
        values,
        policy_areas,
        institutions,
    })
}

/// The page of `scope`: its name and one page of its commitments; `None` when it names
/// nothing.
pub async fn scope_page(
    conn: &mut dyn Conn,
    scope: &Scope,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<Option<crate::domain::ScopePage>, StorageError> {
    let Some(name) = super::scope_name(conn, scope).await? else {
        return Ok(None);
    };
    let (commitments, total_commitments) =
        super::commitment_summaries(conn, scope, today, limit, offset).await?;
    Ok(Some(crate::domain::ScopePage {
        name,
        commitments,
        total_commitments,
        ranking: member_results(conn, &ScopeFilter::of(scope)).await?,
    }))
}

#[derive(sqlx::FromRow)]
struct ResultsRow {
    slug: String,
    name: String,
    commitments: i64,
    high_completion: i64,
    strong_results: i64,
}

/// Each member's commitments in the scope with how many the IRM found with high completion
/// and strong results at the end of term (published assessments), ranked.
async fn member_results(
    conn: &mut dyn Conn,
    filter: &ScopeFilter<'_>,
) -> Result<Vec<MemberResults>, StorageError> {
    let quoted = |levels: Vec<&str>| {
        levels
            .iter()
            .map(|l| format!("'{l}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sql = format!(
        "SELECT m.slug, m.name, CAST(COUNT(DISTINCT c.id) AS BIGINT) AS commitments,
            CAST(COUNT(DISTINCT CASE WHEN s.indicator = 'completion' AND s.value IN ({high})
                THEN c.id END) AS BIGINT) AS high_completion,
            CAST(COUNT(DISTINCT CASE WHEN s.indicator IN ('opened_government', 'early_results')
                AND s.value IN ({strong}) THEN c.id END) AS BIGINT) AS strong_results
         FROM commitments c {TO_MEMBER}
         LEFT JOIN assessments a ON a.commitment_id = c.id AND a.status = 'published'
            AND a.source = 'irm' AND a.stage = 'end_of_term'
         LEFT JOIN assessment_scores s ON s.assessment_id = a.id
            AND s.indicator IN ('completion', 'opened_government', 'early_results')
         WHERE {condition}
         GROUP BY m.id, m.slug, m.name",
        high = quoted(high_completion_levels()),
        strong = quoted(strong_result_levels()),
        condition = filter.condition,
    );
    let rows: Vec<ResultsRow> = run!(conn, fetch_all, bind_scope!(sqlx::query_as(&sql), filter))?;
    let mut members: Vec<MemberResults> = rows
        .into_iter()
        .map(|row| MemberResults {
            slug: row.slug,
            name: row.name,
            commitments: row.commitments,
            high_completion: row.high_completion,
            strong_results: row.strong_results,
        })
        .collect();
    MemberResults::rank(&mut members);
    Ok(members)
}

/// The dashboard of `scope` on `today` (see [`dashboard`]), from the facts now.
pub async fn whole_dashboard(
    db: &super::Db,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Option<Dashboard>, StorageError> {
    let facts = super::facts::facts_at(db, version_now(db).await?, today).await?;
    dashboard(&mut db.acquire().await?, &facts, scope, today).await
}

/// [`whole_dashboard`], remembered until the next write (scopes that name nothing are not).
/// The facts the results charts count are waited for first, outside the memo: they are
/// worked out once per write (seconds at demo scale 10) and every reader waits for them
/// alike, where waiting to work a dashboard out gives up after [`super::memo::MEMO_WAIT`] and
/// every reader would then work it out at once.
pub async fn kept_dashboard(
    db: &super::Db,
    at: &ReadAt,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Option<Dashboard>, StorageError> {
    let facts = super::facts::facts_at(db, at.version(db).await?, today).await?;
    let work = async { dashboard(&mut db.acquire().await?, &facts, scope, today).await };
    let key = Record::Dashboard(scope.clone());
    kept_record(
        db,
        at,
        today,
        key,
        Working::OneAtATime,
        Option::is_some,
        work,
    )
    .await
}

/// [`scope_page`], remembered until the next write (its first pages, of
/// scopes that name something).
pub async fn kept_scope_page(
    db: &super::Db,
    at: &ReadAt,
    scope: &Scope,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<Option<crate::domain::ScopePage>, StorageError> {
    let work = async { scope_page(&mut db.acquire().await?, scope, today, limit, offset).await };
    let key = Record::ScopePage(scope.clone(), limit, offset);
    let is_empty = |page: &crate::domain::ScopePage| page.commitments.is_empty();
    kept_page(
        db,
        at,
        today,
        key,
        Working::OneAtATime,
        (limit, offset),
        is_empty,
        work,
    )
    .await
}
