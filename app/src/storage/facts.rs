//! What searches and dashboards know of each commitment (its [`Facts`]): worked out in full
//! once a day, then again only for the commitments each write declares it changed (see
//! `fact_changes`), and kept by each app server between writes. Searches narrow, rank and
//! count facets by them; dashboards count their charts from them.

use super::fact_changes::{self, Mark};
use super::search::{id_list, Counted, CountedKey};
use super::{Conn, Native, StorageError};
use crate::domain::search::{
    commitment_status, cycle_key, index_text, CommitmentStatus, Facet, Term, MILESTONE_STATES,
};
use crate::domain::{
    CommitmentResults, Completion, Gap, Indicator, MemberKind, MilestoneCounts, MilestoneStatus,
    OgpValue, Rating, Region, ResultLevel, ScoreValue, StarInputs, StarRule, INDEPENDENT_SOURCES,
};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::Arc;

/// What searches narrow, rank and count by, and dashboards count, of a commitment.
#[derive(Clone)]
pub(super) struct Facts {
    pub(super) id: i64,
    pub(super) code: String,
    /// Its title's words, folded, one space between each: results are ranked by how many
    /// of a search's words their titles hold.
    pub(super) title_words: String,
    pub(super) member: u32,
    pub(super) region: Option<Region>,
    pub(super) kind: MemberKind,
    pub(super) cycle: Option<u32>,
    pub(super) values: Vec<OgpValue>,
    pub(super) areas: Vec<u32>,
    pub(super) status: CommitmentStatus,
    pub(super) completion: Option<Completion>,
    pub(super) starred: Option<bool>,
    /// Strong results at the end of term (see [`SimilarCommitment::strong_results`]).
    pub(super) strong_results: bool,
    /// The IRM found it promising.
    pub(super) promising: bool,
    /// Its early results at the end of term (the refreshed scale's, where both are given).
    pub(super) early: Option<ResultLevel>,
    /// How many of its milestones are in each state of [`MILESTONE_STATES`] (completed,
    /// on time, overdue, withdrawn) on the day.
    pub(super) milestones: [u32; 4],
    /// The planned end of its longest-overdue milestone.
    pub(super) overdue_since: Option<NaiveDate>,
    /// The completion levels, or OGP's missing-value codes, that its published IRM
    /// assessments gave at the end of term, one per assessment (the end-of-term completion
    /// chart counts assessments).
    pub(super) end_of_term_scores: Vec<ScoreValue>,
    /// How many pairs of completion levels (its government's published one and an
    /// independent source's, at one stage) fall under each [`Gap`], in [`Gap::ALL`]'s order.
    pub(super) gaps: [u32; 3],
    /// Its progress updates per month (numbered as [`FactTable::months`] names them).
    pub(super) updates: Vec<(u32, u32)>,
    pub(super) plan: u32,
    pub(super) institution: Option<u32>,
    /// Every facet value it has, as (place of the facet in [`Facet::ALL`], number of the
    /// value), worked out with the rest: a search counts them for each commitment it finds,
    /// and calling [`FactTable::keys`] for every facet of 40,000 commitments was a fifth of
    /// a search's time.
    pub(super) facet_keys: Box<[(u8, u32)]>,
}

impl Facts {
    pub(super) fn overdue_milestones(&self) -> u32 {
        let overdue = MILESTONE_STATES
            .iter()
            .position(|(key, _)| *key == "overdue");
        overdue.map_or(0, |at| self.milestones[at])
    }
}

/// Every commitment's [`Facts`], with the names its numbers stand for.
#[derive(Default)]
pub(super) struct FactTable {
    pub(super) rows: Vec<Facts>,
    pub(super) by_id: HashMap<i64, usize>,
    pub(super) by_code: HashMap<String, usize>,
    /// By number: slug, name.
    pub(super) members: Vec<(String, String)>,
    pub(super) areas: Vec<(String, String)>,
    /// By number: key (`2016-2018`), years shown (`2016–2018`).
    pub(super) cycles: Vec<(String, String)>,
    /// By number: key, and the same (the name shown is the page's).
    pub(super) plans: Vec<(String, String)>,
    pub(super) institutions: Vec<(String, String)>,
    /// By number: key (`2026-07`), and the same (the name shown is the page's).
    pub(super) months: Vec<(String, String)>,
    /// The commitments searches' words found, ranked (`search::ranked_matches`): kept with
    /// the facts they point into, so that a write, which makes new facts, lets them go.
    pub(super) matches: std::sync::Mutex<HashMap<Vec<Term>, Arc<[u32]>>>,
    /// What searches' words and filters found and counted (`search::counted`), likewise.
    pub(super) counted: std::sync::Mutex<HashMap<CountedKey, Arc<Counted>>>,
}

#[derive(sqlx::FromRow)]
struct FactRow {
    id: i64,
    code: String,
    title: String,
    member_slug: String,
    member_name: String,
    region: Option<String>,
    kind: String,
    year_submitted: Option<i64>,
    end_year: Option<i64>,
    withdrawn: bool,
    plan_key: String,
    lead_institution: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MilestoneFactRow {
    commitment_id: i64,
    /// Those not withdrawn, and of them how many are completed, started and overdue.
    milestones: i64,
    completed: i64,
    started: i64,
    overdue: i64,
    withdrawn: i64,
    overdue_since: Option<NaiveDate>,
}

impl MilestoneFactRow {
    /// In [`MILESTONE_STATES`]' order: completed, on time, overdue, withdrawn.
    fn counts(&self) -> [u32; 4] {
        let on_time = self.milestones - self.completed - self.overdue;
        [self.completed, on_time, self.overdue, self.withdrawn].map(|n| n.max(0) as u32)
    }
}

#[derive(sqlx::FromRow)]
struct ScoreFactRow {
    commitment_id: i64,
    /// Its published IRM scores, each `stage scale indicator value`, joined by `;`: one
    /// row per commitment rather than one per score (300,000 at demo scale 10, which took
    /// the driver seconds to hand over).
    scores: String,
}

/// The IRM scores (published) a commitment's facts read: the stage, whether only the
/// classic scale counts, and the indicator. Where two IRM assessments give one, the first
/// value in machine-name order is read.
const FACT_SCORES: [(&str, bool, &str); 12] = [
    ("end_of_term", false, "completion"),
    ("mid_term", false, "completion"),
    ("end_of_term", true, "completion"),
    ("mid_term", true, "completion"),
    ("design", true, "specificity"),
    ("design", true, "potential_impact"),
    ("design", true, "relevance.access_to_information"),
    ("design", true, "relevance.civic_participation"),
    ("design", true, "relevance.public_accountability"),
    ("end_of_term", false, "opened_government"),
    ("end_of_term", false, "early_results"),
    ("design", false, "promising"),
];

/// A commitment's values of [`FACT_SCORES`], in turn.
type FactScores = [Option<String>; FACT_SCORES.len()];

/// A commitment's published IRM scores as its facts read them.
#[derive(Default)]
struct ScoresRead {
    values: FactScores,
    /// Every completion score at the end of term, missing-value codes included.
    end_of_term: Vec<ScoreValue>,
}

/// Each commitment's [`FactScores`]. The scores are read in one pass and sorted out here:
/// choosing them in SQL (a `CASE` per score per row, or the index probed per indicator)
/// took twice as long at demo scale 10.
/// `among` narrows them (`AND a.commitment_id IN (...)`), or is empty.
async fn fact_scores(
    conn: &mut dyn Conn,
    among: &str,
) -> Result<HashMap<i64, ScoresRead>, StorageError> {
    let sql = format!(
        "SELECT a.commitment_id, {} AS scores
         FROM assessments a JOIN assessment_scores s ON s.assessment_id = a.id
         WHERE a.status = 'published' AND a.source = 'irm'{among}
         GROUP BY a.commitment_id",
        super::dialect::joined(
            conn,
            "a.stage || ' ' || a.scale || ' ' || s.indicator || ' ' || s.value",
            ";"
        )
    );
    let rows: Vec<ScoreFactRow> = run!(conn, fetch_all, sqlx::query_as(&sql))?;
    let mut scores: HashMap<i64, ScoresRead> = HashMap::with_capacity(rows.len());
    for row in rows {
        let read: &mut ScoresRead = scores.entry(row.commitment_id).or_default();
        for score in row.scores.split(';') {
            let mut parts = score.split(' ');
            let (Some(stage), Some(scale), Some(indicator), Some(value)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if stage == "end_of_term" && indicator == "completion" {
                // Values are checked when written; one that is not a level is not counted.
                if let Ok(score) = super::assessments::score_value(Indicator::Completion, value) {
                    read.end_of_term.push(score);
                }
            }
            if matches!(value, "ND" | "NR" | "NA") {
                continue;
            }
            let classic = scale == "classic";
            for (at, (want_stage, classic_only, want)) in FACT_SCORES.iter().enumerate() {
                if *want_stage == stage && *want == indicator && (classic || !classic_only) {
                    let slot = &mut read.values[at];
                    if slot.as_deref().is_none_or(|earlier| value < earlier) {
                        *slot = Some(value.to_string());
                    }
                }
            }
        }
    }
    Ok(scores)
}

/// How many pairs of completion levels, a government's published one and an independent
/// source's at the same stage, each commitment has under each [`Gap`]. `among` narrows
/// them (`AND g.commitment_id IN (...)`), or is empty.
async fn fact_gaps(
    conn: &mut dyn Conn,
    among: &str,
) -> Result<HashMap<i64, [u32; 3]>, StorageError> {
    let independent: Vec<String> = INDEPENDENT_SOURCES
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    let sql = format!(
        "SELECT g.commitment_id, gs.value, xs.value, CAST(COUNT(*) AS BIGINT)
         FROM assessments g
         JOIN assessment_scores gs ON gs.assessment_id = g.id AND gs.indicator = 'completion'
         JOIN assessments x ON x.commitment_id = g.commitment_id AND x.stage = g.stage
            AND x.status = 'published' AND x.source IN ({})
         JOIN assessment_scores xs ON xs.assessment_id = x.id AND xs.indicator = 'completion'
         WHERE g.source = 'government' AND g.status = 'published'{among}
         GROUP BY g.commitment_id, gs.value, xs.value",
        independent.join(", ")
    );
    let rows: Vec<(i64, String, String, i64)> = run!(conn, fetch_all, sqlx::query_as(&sql))?;
    let mut gaps: HashMap<i64, [u32; 3]> = HashMap::new();
    for (id, government, independent, n) in rows {
        let level = |raw: &str| super::assessments::score_value(Indicator::Completion, raw).ok();
        let (Some(g), Some(x)) = (level(&government), level(&independent)) else {
            continue;
        };
        if let Some(gap) = Gap::between(&g, &x) {
            let at = position(&Gap::ALL, gap) as usize;
            gaps.entry(id).or_default()[at] += n.max(0) as u32;
        }
    }
    Ok(gaps)
}

/// Each commitment's progress updates' months (`2026-07`, in UTC), one per update, joined
/// by spaces. `among` narrows them (`AND ms.commitment_id IN (...)`), or is empty.
async fn fact_update_months(
    conn: &mut dyn Conn,
    among: &str,
) -> Result<HashMap<i64, String>, StorageError> {
    // SQLite keeps the time as RFC 3339 text, in UTC.
    let month = match conn.native() {
        Native::Sqlite(_) => "substr(u.created_at, 1, 7)",
        Native::Postgres(_) => "to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM')",
    };
    let sql = format!(
        "SELECT ms.commitment_id, {} FROM progress_updates u
         JOIN milestones ms ON ms.id = u.milestone_id
         WHERE 1 = 1{among} GROUP BY ms.commitment_id",
        super::dialect::joined(conn, month, " ")
    );
    let rows: Vec<(i64, String)> = run!(conn, fetch_all, sqlx::query_as(&sql))?;
    Ok(rows.into_iter().collect())
}

/// The facts now, with the mark they were worked out at: `earlier` ones (worked out at
/// their mark on `today`) with the commitments declared changed since worked out again,
/// or every commitment's when that cannot be told; and those commitments (`None`: every
/// one).
async fn caught_up(
    conn: &mut dyn Conn,
    today: NaiveDate,
    earlier: Option<(Arc<FactTable>, Mark)>,
) -> Result<(Arc<FactTable>, Mark, Option<Vec<i64>>), StorageError> {
    // Read before the data, so the data is at least as new as the mark says.
    let now = fact_changes::mark(conn).await?;
    let changed = match &earlier {
        Some((_, mark)) => fact_changes::changed_between(conn, *mark, now).await?,
        None => None,
    };
    let table = match (earlier, &changed) {
        (Some((table, _)), Some(ids)) if ids.is_empty() => table,
        (Some((table, _)), Some(ids)) => Arc::new(refreshed(conn, today, &table, ids).await?),
        _ => Arc::new(fact_table(conn, today).await?),
    };
    Ok((table, now, changed))
}

/// Every commitment's facts at one moment, for tests to hold the facts worked out again
/// for the commitments writes declared to those worked out in full.
#[doc(hidden)]
pub struct FactsAt {
    table: Arc<FactTable>,
    mark: Mark,
    /// The commitments worked out again to reach them; `None` when every one was.
    pub refreshed: Option<Vec<i64>>,
}

#[doc(hidden)]
impl FactsAt {
    pub async fn in_full(conn: &mut dyn Conn, today: NaiveDate) -> Result<FactsAt, StorageError> {
        let (table, mark, _) = caught_up(conn, today, None).await?;
        Ok(FactsAt {
            table,
            mark,
            refreshed: None,
        })
    }

    /// These facts brought up to now as an app server would.
    pub async fn caught_up(
        &self,
        conn: &mut dyn Conn,
        today: NaiveDate,
    ) -> Result<FactsAt, StorageError> {
        let (table, mark, refreshed) =
            caught_up(conn, today, Some((self.table.clone(), self.mark))).await?;
        Ok(FactsAt {
            table,
            mark,
            refreshed,
        })
    }

    /// Every commitment's facts, in order, each value named (numbers differ between facts
    /// worked out in full and refreshed ones).
    pub fn described(&self) -> Vec<String> {
        let t = &self.table;
        let named = |names: &[(String, String)], n: u32| names[n as usize].0.clone();
        t.rows
            .iter()
            .map(|r| {
                let mut areas: Vec<String> = r.areas.iter().map(|a| named(&t.areas, *a)).collect();
                areas.sort();
                let mut updates: Vec<(String, u32)> = r
                    .updates
                    .iter()
                    .map(|(month, n)| (named(&t.months, *month), *n))
                    .collect();
                updates.sort();
                format!(
                    "{} {} [{}] {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {} {} {:?} \
                     {:?} {:?} {:?} {:?} {:?} {:?} keys worked out from these: {}",
                    r.id,
                    r.code,
                    r.title_words,
                    named(&t.members, r.member),
                    r.region,
                    r.kind,
                    r.cycle.map(|c| named(&t.cycles, c)),
                    r.values,
                    areas,
                    r.status,
                    r.completion,
                    r.starred,
                    r.strong_results,
                    r.promising,
                    r.early,
                    (r.milestones, r.overdue_since),
                    r.end_of_term_scores,
                    r.gaps,
                    updates,
                    named(&t.plans, r.plan),
                    r.institution.map(|i| named(&t.institutions, i)),
                    *r.facet_keys == *FactTable::all_keys(r),
                )
            })
            .collect()
    }
}

/// Numbers for names: each new one gets the next.
struct Numbering<'a> {
    names: &'a mut Vec<(String, String)>,
    by_key: HashMap<String, u32>,
}

impl<'a> Numbering<'a> {
    /// Numbers after those `names` has.
    fn over(names: &'a mut Vec<(String, String)>) -> Numbering<'a> {
        let by_key = names
            .iter()
            .enumerate()
            .map(|(n, (key, _))| (key.clone(), n as u32))
            .collect();
        Numbering { names, by_key }
    }

    fn of(&mut self, key: &str, name: impl FnOnce() -> String) -> u32 {
        if let Some(n) = self.by_key.get(key) {
            return *n;
        }
        let n = self.names.len() as u32;
        self.names.push((key.to_string(), name()));
        self.by_key.insert(key.to_string(), n);
        n
    }
}

async fn fact_table(conn: &mut dyn Conn, today: NaiveDate) -> Result<FactTable, StorageError> {
    let mut table = FactTable::default();
    add_facts(conn, today, None, &mut table).await?;
    Ok(table)
}

/// `table` with the facts of the commitments `changed` worked out again (those gone left
/// out): what a write that declared them changes (see `super::facts_changed`).
async fn refreshed(
    conn: &mut dyn Conn,
    today: NaiveDate,
    table: &FactTable,
    changed: &[i64],
) -> Result<FactTable, StorageError> {
    let gone: std::collections::HashSet<i64> = changed.iter().copied().collect();
    let mut fresh = FactTable {
        rows: table
            .rows
            .iter()
            .filter(|row| !gone.contains(&row.id))
            .cloned()
            .collect(),
        by_id: HashMap::new(),
        by_code: HashMap::new(),
        members: table.members.clone(),
        areas: table.areas.clone(),
        cycles: table.cycles.clone(),
        plans: table.plans.clone(),
        institutions: table.institutions.clone(),
        months: table.months.clone(),
        matches: Default::default(),
        counted: Default::default(),
    };
    add_facts(conn, today, Some(changed), &mut fresh).await?;
    Ok(fresh)
}

/// Reads the facts of the commitments `only` names (every one with `None`) and adds them
/// to `table`, numbering the names it does not have yet after its own; then puts its rows in
/// code order again (results without words come so) and indexes them.
async fn add_facts(
    conn: &mut dyn Conn,
    today: NaiveDate,
    only: Option<&[i64]>,
    table: &mut FactTable,
) -> Result<(), StorageError> {
    // The same commitments in each read: `AND <column> IN (...)`, integers only.
    let among = |column: &str| {
        only.map_or(String::new(), |ids| {
            format!(" AND {column} IN ({})", id_list(ids))
        })
    };
    let rows: Vec<FactRow> = run!(
        conn,
        fetch_all,
        sqlx::query_as(&format!(
            "SELECT c.id, c.code, c.title, m.slug AS member_slug, m.name AS member_name,
                m.region, m.kind, p.year_submitted, p.end_year,
                c.withdrawn_on IS NOT NULL AS withdrawn, p.plan_key, c.lead_institution
             FROM commitments c JOIN action_plans p ON p.id = c.plan_id
             JOIN members m ON m.id = p.member_id WHERE 1 = 1{}",
            among("c.id")
        ))
    )?;
    let milestones: Vec<MilestoneFactRow> = run!(
        conn,
        fetch_all,
        sqlx::query_as(&format!(
            "SELECT ms.commitment_id,
                CAST(SUM(CASE WHEN ms.status <> 'withdrawn' THEN 1 ELSE 0 END) AS BIGINT)
                    AS milestones,
                CAST(SUM(CASE WHEN ms.status = 'completed' THEN 1 ELSE 0 END) AS BIGINT)
                    AS completed,
                CAST(SUM(CASE WHEN ms.status <> 'withdrawn'
                    AND (ms.status <> 'not_started' OR ms.progress > 0) THEN 1 ELSE 0 END)
                    AS BIGINT) AS started,
                CAST(SUM(CASE WHEN {overdue} THEN 1 ELSE 0 END) AS BIGINT) AS overdue,
                CAST(SUM(CASE WHEN ms.status = 'withdrawn' THEN 1 ELSE 0 END) AS BIGINT)
                    AS withdrawn,
                MIN(CASE WHEN {overdue} THEN ms.planned_end END) AS overdue_since
             FROM milestones ms WHERE 1 = 1{} GROUP BY ms.commitment_id",
            among("ms.commitment_id"),
            overdue = super::OVERDUE,
        ))
        .bind(today)
    )?;
    let mut scored = fact_scores(conn, &among("a.commitment_id")).await?;
    let mut gaps = fact_gaps(conn, &among("g.commitment_id")).await?;
    let mut update_months = fact_update_months(conn, &among("ms.commitment_id")).await?;
    // One row per commitment, its values joined (the driver hands rows over one by one).
    let sql = format!(
        "SELECT commitment_id, {} FROM commitment_values WHERE 1 = 1{} GROUP BY commitment_id",
        super::dialect::joined(conn, "value", " "),
        among("commitment_id")
    );
    let values: Vec<(i64, String)> = run!(conn, fetch_all, sqlx::query_as(&sql))?;
    let areas: Vec<(i64, String, String)> = run!(
        conn,
        fetch_all,
        sqlx::query_as(&format!(
            "SELECT l.commitment_id, a.slug, a.name FROM commitment_policy_areas l
             JOIN policy_areas a ON a.id = l.policy_area_id WHERE a.slug <> ''{}",
            among("l.commitment_id")
        ))
    )?;

    let milestones: HashMap<i64, MilestoneFactRow> = milestones
        .into_iter()
        .map(|m| (m.commitment_id, m))
        .collect();
    let mut values: HashMap<i64, String> = values.into_iter().collect();
    let mut area_names: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for (id, slug, name) in areas {
        area_names.entry(id).or_default().push((slug, name));
    }
    let FactTable {
        rows: table_rows,
        members,
        areas,
        cycles,
        plans,
        institutions,
        months,
        ..
    } = table;
    let mut members = Numbering::over(members);
    let mut areas = Numbering::over(areas);
    let mut cycles = Numbering::over(cycles);
    let mut plans = Numbering::over(plans);
    let mut institutions = Numbering::over(institutions);
    let mut months = Numbering::over(months);
    // Names numbered in code order (the search's tie-breaks read names, not numbers).
    let mut rows = rows;
    rows.sort_unstable_by(|a, b| a.code.cmp(&b.code));
    table_rows.reserve(rows.len());
    for row in rows {
        let member = members.of(&row.member_slug, || row.member_name.clone());
        let cycle = cycle_key(row.year_submitted, row.end_year)
            .map(|key| cycles.of(&key, || key.replace('-', "\u{2013}")));
        let (status, milestone_counts, overdue_since) = match milestones.get(&row.id) {
            Some(m) => (
                commitment_status(row.withdrawn, m.milestones, m.completed, m.started),
                m.counts(),
                m.overdue_since,
            ),
            None => (commitment_status(row.withdrawn, 0, 0, 0), [0; 4], None),
        };
        let mut updates: Vec<(u32, u32)> = Vec::new();
        for month in update_months.remove(&row.id).unwrap_or_default().split(' ') {
            if month.is_empty() {
                continue;
            }
            let number = months.of(month, || month.to_string());
            match updates.iter_mut().find(|(m, _)| *m == number) {
                Some((_, n)) => *n += 1,
                None => updates.push((number, 1)),
            }
        }
        let mut facts = Facts {
            id: row.id,
            code: row.code,
            title_words: index_text(&row.title),
            member,
            region: row.region.as_deref().and_then(Region::from_machine),
            kind: MemberKind::from_machine(&row.kind).unwrap_or(MemberKind::Other),
            cycle,
            values: values
                .remove(&row.id)
                .map(|joined| {
                    joined
                        .split(' ')
                        .filter_map(OgpValue::from_machine)
                        .collect()
                })
                .unwrap_or_default(),
            areas: area_names
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(|(slug, name)| areas.of(&slug, || name))
                .collect(),
            status,
            completion: None,
            starred: None,
            strong_results: false,
            promising: false,
            early: None,
            milestones: milestone_counts,
            overdue_since,
            end_of_term_scores: Vec::new(),
            gaps: gaps.remove(&row.id).unwrap_or_default(),
            updates,
            plan: plans.of(&row.plan_key, || row.plan_key.clone()),
            institution: row
                .lead_institution
                .as_deref()
                .map(|name| institutions.of(name, || name.to_string())),
            facet_keys: Box::default(),
        };
        let scores = scored.remove(&facts.id).unwrap_or_default();
        read_scores(&mut facts, &scores.values, row.year_submitted);
        // In a fixed order: the databases join a commitment's scores in any.
        let mut end_of_term = scores.end_of_term;
        end_of_term.sort_by_key(|score| score.as_str());
        facts.end_of_term_scores = end_of_term;
        facts.facet_keys = FactTable::all_keys(&facts);
        table_rows.push(facts);
    }
    table_rows.sort_unstable_by(|a, b| a.code.cmp(&b.code));
    table.by_id = table
        .rows
        .iter()
        .enumerate()
        .map(|(at, r)| (r.id, at))
        .collect();
    table.by_code = table
        .rows
        .iter()
        .enumerate()
        .map(|(at, r)| (r.code.clone(), at))
        .collect();
    Ok(())
}

/// A commitment's facts from its IRM scores (see [`FACT_SCORES`]), its plan submitted in
/// `year` (which decides the starred rule).
fn read_scores(facts: &mut Facts, values: &FactScores, year: Option<i64>) {
    let rating = |scale: Option<&str>, stage: &str, indicator: Indicator| {
        let classic = scale.is_some();
        let name = indicator.machine_name();
        FACT_SCORES
            .iter()
            .position(|(s, c, i)| *s == stage && *c == classic && *i == name)
            .and_then(|at| values[at].as_deref())
            .and_then(|value| indicator.rating_from_machine(value))
    };
    let completion = |scale: Option<&str>| {
        ["end_of_term", "mid_term"].into_iter().find_map(|stage| {
            match rating(scale, stage, Indicator::Completion) {
                Some(Rating::Completion(c)) => Some(c),
                _ => None,
            }
        })
    };
    facts.completion = completion(None);
    facts.promising = matches!(
        rating(None, "design", Indicator::Promising),
        Some(Rating::YesNo(crate::domain::YesNo::Yes))
    );
    facts.early = match (
        rating(None, "end_of_term", Indicator::EarlyResults),
        rating(None, "end_of_term", Indicator::OpenedGovernment),
    ) {
        (Some(Rating::EarlyResults(e)), _) => Some(ResultLevel::Early(e)),
        (_, Some(Rating::OpenedGovernment(o))) => Some(ResultLevel::Opened(o)),
        _ => None,
    };
    facts.strong_results = match rating(None, "end_of_term", Indicator::OpenedGovernment) {
        Some(Rating::OpenedGovernment(o)) => o.is_strong(),
        _ => false,
    } || matches!(
        rating(None, "end_of_term", Indicator::EarlyResults),
        Some(Rating::EarlyResults(e)) if e.is_strong()
    );
    facts.starred = StarInputs::from_design(
        |i| rating(Some("classic"), "design", i),
        completion(Some("classic")),
    )
    .starred(StarRule::for_plan_year(year));
}

/// Where `x` is in `all`.
fn position<T: PartialEq>(all: &[T], x: T) -> u32 {
    all.iter().position(|a| *a == x).unwrap_or(0) as u32
}

impl FactTable {
    /// The numbers of `facts`' values of `facet` (none, one or several).
    pub(super) fn keys(facts: &Facts, facet: Facet, mut each: impl FnMut(u32)) {
        match facet {
            Facet::Member => each(facts.member),
            Facet::Region => {
                if let Some(region) = facts.region {
                    each(position(Region::ALL, region))
                }
            }
            Facet::Kind => each(position(MemberKind::ALL, facts.kind)),
            Facet::Cycle => {
                if let Some(cycle) = facts.cycle {
                    each(cycle)
                }
            }
            Facet::Value => facts
                .values
                .iter()
                .for_each(|v| each(position(OgpValue::ALL, *v))),
            Facet::PolicyArea => facts.areas.iter().for_each(|a| each(*a)),
            Facet::Status => each(position(MilestoneStatus::ALL, facts.status)),
            Facet::Completion => {
                if let Some(completion) = facts.completion {
                    each(position(Completion::ALL, completion))
                }
            }
            // Every level the IRM gave it at the end of term (the chart counts each).
            Facet::EndOfTerm => {
                let levels = facts
                    .end_of_term_scores
                    .iter()
                    .filter_map(|score| match score {
                        ScoreValue::Rated(Rating::Completion(level)) => Some(*level),
                        _ => None,
                    });
                let mut seen: Vec<Completion> = Vec::new();
                for level in levels {
                    if !seen.contains(&level) {
                        seen.push(level);
                        each(position(Completion::ALL, level));
                    }
                }
            }
            Facet::Starred => {
                if let Some(starred) = facts.starred {
                    each(u32::from(starred))
                }
            }
            Facet::Overdue => {
                if facts.overdue_milestones() > 0 {
                    each(1)
                }
            }
            Facet::Promising => {
                if facts.promising {
                    each(1)
                }
            }
            Facet::Results => {
                if facts.strong_results {
                    each(1)
                }
            }
            Facet::Early => {
                if let Some(level) = facts.early {
                    each(position(&ResultLevel::ALL, level))
                }
            }
            Facet::Milestones => (0..MILESTONE_STATES.len() as u32)
                .filter(|at| facts.milestones[*at as usize] > 0)
                .for_each(each),
            Facet::Gap => (0..Gap::ALL.len() as u32)
                .filter(|at| facts.gaps[*at as usize] > 0)
                .for_each(each),
            Facet::Updated => facts.updates.iter().for_each(|(month, _)| each(*month)),
            Facet::Plan => each(facts.plan),
            Facet::Institution => {
                if let Some(institution) = facts.institution {
                    each(institution)
                }
            }
        }
    }

    /// The numbers of `facts`' values of every facet (see [`Facts::facet_keys`]).
    fn all_keys(facts: &Facts) -> Box<[(u8, u32)]> {
        const _: () = assert!(Facet::ALL.len() <= u8::MAX as usize);
        let mut keys = Vec::new();
        for (at, facet) in Facet::ALL.into_iter().enumerate() {
            FactTable::keys(facts, facet, |key| keys.push((at as u8, key)));
        }
        keys.into_boxed_slice()
    }

    /// The place of `facet` in [`Facet::ALL`], as [`Facts::facet_keys`] names it.
    pub(super) fn facet_place(facet: Facet) -> u8 {
        position(&Facet::ALL, facet) as u8
    }

    pub(super) fn has(facts: &Facts, facet: Facet, key: u32) -> bool {
        facts
            .facet_keys
            .contains(&(FactTable::facet_place(facet), key))
    }

    /// How many values a facet has (its values are numbered from 0).
    pub(super) fn value_count(&self, facet: Facet) -> usize {
        match facet {
            Facet::Member => self.members.len(),
            Facet::PolicyArea => self.areas.len(),
            Facet::Cycle => self.cycles.len(),
            Facet::Region => Region::ALL.len(),
            Facet::Kind => MemberKind::ALL.len(),
            Facet::Value => OgpValue::ALL.len(),
            Facet::Status => MilestoneStatus::ALL.len(),
            Facet::Completion | Facet::EndOfTerm => Completion::ALL.len(),
            Facet::Early => ResultLevel::ALL.len(),
            Facet::Milestones => MILESTONE_STATES.len(),
            Facet::Gap => Gap::ALL.len(),
            Facet::Updated => self.months.len(),
            Facet::Starred | Facet::Overdue | Facet::Promising | Facet::Results => 2,
            Facet::Plan => self.plans.len(),
            Facet::Institution => self.institutions.len(),
        }
    }

    /// The number of a facet's value as the address names it; `None` when nothing has it.
    pub(super) fn key_of(&self, facet: Facet, value: &str) -> Option<u32> {
        let position = |found: Option<usize>| found.map(|p| p as u32);
        let named =
            |names: &[(String, String)]| position(names.iter().position(|(k, _)| k == value));
        match facet {
            Facet::Member => named(&self.members),
            Facet::PolicyArea => named(&self.areas),
            Facet::Cycle => named(&self.cycles),
            Facet::Region => position(Region::ALL.iter().position(|r| r.as_str() == value)),
            Facet::Kind => position(MemberKind::ALL.iter().position(|k| k.as_str() == value)),
            Facet::Value => position(OgpValue::ALL.iter().position(|v| v.as_str() == value)),
            Facet::Status => position(
                MilestoneStatus::ALL
                    .iter()
                    .position(|s| s.as_str() == value),
            ),
            Facet::Completion | Facet::EndOfTerm => {
                position(Completion::ALL.iter().position(|c| c.as_str() == value))
            }
            Facet::Early => position(ResultLevel::ALL.iter().position(|l| l.as_str() == value)),
            Facet::Milestones => position(MILESTONE_STATES.iter().position(|(k, _)| *k == value)),
            Facet::Gap => position(Gap::ALL.iter().position(|g| g.as_str() == value)),
            Facet::Updated => named(&self.months),
            Facet::Starred => match value {
                "yes" => Some(1),
                "no" => Some(0),
                _ => None,
            },
            Facet::Overdue | Facet::Promising | Facet::Results => (value == "yes").then_some(1),
            Facet::Plan => named(&self.plans),
            Facet::Institution => named(&self.institutions),
        }
    }

    /// A facet's value by its number: as the address names it, and its name where that is
    /// data.
    pub(super) fn value_of(&self, facet: Facet, key: u32) -> (String, Option<String>) {
        let k = key as usize;
        let named = |names: &[(String, String)]| {
            let (key, name) = &names[k];
            (key.clone(), Some(name.clone()))
        };
        match facet {
            Facet::Member => named(&self.members),
            Facet::PolicyArea => named(&self.areas),
            Facet::Cycle => named(&self.cycles),
            Facet::Region => (Region::ALL[k].as_str().to_string(), None),
            Facet::Kind => (MemberKind::ALL[k].as_str().to_string(), None),
            Facet::Value => (OgpValue::ALL[k].as_str().to_string(), None),
            Facet::Status => (MilestoneStatus::ALL[k].as_str().to_string(), None),
            Facet::Completion | Facet::EndOfTerm => (Completion::ALL[k].as_str().to_string(), None),
            Facet::Early => (ResultLevel::ALL[k].as_str().to_string(), None),
            Facet::Milestones => (MILESTONE_STATES[k].0.to_string(), None),
            Facet::Gap => (Gap::ALL[k].as_str().to_string(), None),
            // Named in the reader's language by the page.
            Facet::Updated => (self.months[k].0.clone(), None),
            Facet::Starred | Facet::Overdue | Facet::Promising | Facet::Results => {
                ((if key == 1 { "yes" } else { "no" }).to_string(), None)
            }
            Facet::Plan => named(&self.plans),
            Facet::Institution => named(&self.institutions),
        }
    }
}

/// The facts of every commitment as worked out for a database (the tests run many in one
/// process) at a version of the site, on a day.
struct KeptFacts {
    database: String,
    /// The version and the count of writes they were worked out at.
    mark: Mark,
    day: NaiveDate,
    table: Arc<FactTable>,
}

/// The facts, worked out once per version of the site and day: in full on the first day's
/// first read, then again only for the commitments writes declared they changed.
static FACTS: std::sync::OnceLock<tokio::sync::Mutex<Option<KeptFacts>>> =
    std::sync::OnceLock::new();

pub(super) async fn kept_facts(
    db: &super::Db,
    today: NaiveDate,
) -> Result<Arc<FactTable>, StorageError> {
    let version = super::memo::version_now(db).await?;
    facts_at(db, version, today).await
}

/// The facts at the site's `version` (read by the caller, before the data) or later, on
/// `today`, worked out by the first to ask.
pub(super) async fn facts_at(
    db: &super::Db,
    version: i64,
    today: NaiveDate,
) -> Result<Arc<FactTable>, StorageError> {
    let database = super::memo::database_of(db);
    if let Some(table) = latest_facts(&database, |v, d| v == version && d == today) {
        return Ok(table);
    }
    let kept = FACTS.get_or_init(Default::default);
    // One works them out; those asking meanwhile wait and find them.
    let mut kept = kept.lock().await;
    if let Some(k) = &*kept {
        if k.database == database && k.mark.version == version && k.day == today {
            return Ok(k.table.clone());
        }
    }
    let earlier = kept
        .as_ref()
        .filter(|k| k.database == database && k.day == today)
        .map(|k| (k.table.clone(), k.mark));
    let (table, now, _) = caught_up(&mut db.acquire().await?, today, earlier).await?;
    {
        let mut latest = LATEST_FACTS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        latest.retain(|l| l.database != database);
        latest.push(LatestFacts {
            database: database.clone(),
            version: now.version,
            day: today,
            table: table.clone(),
        });
    }
    *kept = Some(KeptFacts {
        database,
        mark: now,
        day: today,
        table: table.clone(),
    });
    Ok(table)
}

/// The facts last worked out for a database, whatever the version: see [`recent_facts`].
/// Looked up first under a plain lock, held for the lookup: the lock of [`FACTS`], handed
/// from task to task, made every search not kept queue for it under load.
struct LatestFacts {
    database: String,
    version: i64,
    day: NaiveDate,
    table: Arc<FactTable>,
}

static LATEST_FACTS: std::sync::Mutex<Vec<LatestFacts>> = std::sync::Mutex::new(Vec::new());

/// The facts last worked out for `database`, if `fits` their version and day.
fn latest_facts(
    database: &str,
    fits: impl FnOnce(i64, NaiveDate) -> bool,
) -> Option<Arc<FactTable>> {
    LATEST_FACTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .find(|l| l.database == database)
        .filter(|l| fits(l.version, l.day))
        .map(|l| l.table.clone())
}

/// The current facts when they are worked out; else, while they are being worked out (or
/// from now on, in the background), the last ones. For similar commitments only: a list of
/// suggestions may be one write behind, where the page of the writer who just saved must
/// not wait seconds (at demo scale 10) for it. Figures (searches, dashboards) always wait
/// for the current facts.
pub(super) async fn recent_facts(
    db: &super::Db,
    today: NaiveDate,
) -> Result<Arc<FactTable>, StorageError> {
    let database = super::memo::database_of(db);
    let Some(latest) = latest_facts(&database, |_, _| true) else {
        return kept_facts(db, today).await;
    };
    let version = super::memo::version_now(db).await?;
    let kept = FACTS.get_or_init(Default::default);
    if let Ok(guard) = kept.try_lock() {
        if let Some(k) = &*guard {
            if k.database == database && k.mark.version == version && k.day == today {
                return Ok(k.table.clone());
            }
        }
        drop(guard);
        let db = db.clone();
        tokio::spawn(async move {
            if let Err(error) = kept_facts(&db, today).await {
                tracing::warn!(%error, "cannot work out the search facts");
            }
        });
    }
    Ok(latest)
}

/// What a scope's dashboard draws, counted from its commitments' facts (so each figure's
/// list, a search narrowed the same way, holds what it counts).
pub(super) struct ScopeCounts {
    pub(super) milestones: MilestoneCounts,
    /// The IRM's completion scores at the end of term, one per assessment.
    pub(super) end_of_term: Vec<(ScoreValue, i64)>,
    /// In [`Gap::ALL`]'s order.
    pub(super) gaps: [i64; 3],
    /// The progress updates of each month (`2026-07`) that has some.
    pub(super) months: Vec<(String, i64)>,
    /// The commitments with the most overdue milestones, the longest overdue first among
    /// equals: id, code, overdue milestones, since when.
    pub(super) most_overdue: Vec<(i64, String, i64, NaiveDate)>,
    pub(super) results: CommitmentResults,
}

/// The counts of `scope`'s dashboard on the day `facts` were worked out for, with at most
/// `most_overdue` of the most overdue commitments and the updates of `months` (keys).
pub(super) fn scope_counts(
    facts: &FactTable,
    scope: &crate::domain::Scope,
    months: &[String],
    most_overdue: usize,
) -> ScopeCounts {
    let scope_filter = crate::domain::search::scope_filter(scope);
    let narrowed = scope_filter
        .as_ref()
        .map(|(facet, value)| (*facet, facts.key_of(*facet, value)));
    let levels = Completion::ALL.len();
    let mut results = CommitmentResults {
        latest_completion: vec![0; levels],
        early: vec![0; ResultLevel::ALL.len()],
        ..Default::default()
    };
    let mut by_cycle: Vec<Vec<i64>> = vec![vec![0; levels]; facts.cycles.len()];
    let mut milestones = [0i64; 4];
    let mut end_of_term: Vec<(ScoreValue, i64)> = Vec::new();
    let mut gaps = [0i64; 3];
    let month_numbers: Vec<Option<u32>> = months
        .iter()
        .map(|m| facts.key_of(Facet::Updated, m))
        .collect();
    let mut per_month = vec![0i64; months.len()];
    let mut overdue: Vec<&Facts> = Vec::new();
    // A commitment's own dashboard counts its facts alone (no facet names one commitment).
    let rows: &[Facts] = match scope {
        crate::domain::Scope::Commitment(code) => facts
            .by_code
            .get(code)
            .map_or(&[], |at| std::slice::from_ref(&facts.rows[*at])),
        _ => &facts.rows,
    };
    for row in rows {
        if let Some((facet, key)) = narrowed {
            if !key.is_some_and(|k| FactTable::has(row, facet, k)) {
                continue;
            }
        }
        if let Some(level) = row.completion {
            let at = position(Completion::ALL, level) as usize;
            results.latest_completion[at] += 1;
            if let Some(cycle) = row.cycle {
                by_cycle[cycle as usize][at] += 1;
            }
        }
        if let Some(level) = row.early {
            results.early[position(&ResultLevel::ALL, level) as usize] += 1;
        }
        results.starred += i64::from(row.starred == Some(true));
        results.promising += i64::from(row.promising);
        results.strong_results += i64::from(row.strong_results);
        for (sum, n) in milestones.iter_mut().zip(row.milestones) {
            *sum += i64::from(n);
        }
        for (sum, n) in gaps.iter_mut().zip(row.gaps) {
            *sum += i64::from(n);
        }
        for score in &row.end_of_term_scores {
            match end_of_term.iter_mut().find(|(s, _)| s == score) {
                Some((_, n)) => *n += 1,
                None => end_of_term.push((*score, 1)),
            }
        }
        for (month, n) in &row.updates {
            if let Some(at) = month_numbers.iter().position(|m| *m == Some(*month)) {
                per_month[at] += i64::from(*n);
            }
        }
        if row.overdue_milestones() > 0 {
            overdue.push(row);
        }
    }
    results.by_cycle = facts
        .cycles
        .iter()
        .map(|(key, _)| key.clone())
        .zip(by_cycle)
        .collect();
    overdue.sort_unstable_by(|a, b| {
        b.overdue_milestones()
            .cmp(&a.overdue_milestones())
            .then(a.overdue_since.cmp(&b.overdue_since))
            .then(a.id.cmp(&b.id))
    });
    let [completed, on_time, overdue_milestones, withdrawn] = milestones;
    ScopeCounts {
        milestones: MilestoneCounts {
            completed,
            on_time,
            overdue: overdue_milestones,
            withdrawn,
        },
        end_of_term,
        gaps,
        months: months
            .iter()
            .cloned()
            .zip(per_month)
            .filter(|(_, n)| *n > 0)
            .collect(),
        most_overdue: overdue
            .into_iter()
            .take(most_overdue)
            .map(|row| {
                (
                    row.id,
                    row.code.clone(),
                    i64::from(row.overdue_milestones()),
                    row.overdue_since.unwrap_or_default(),
                )
            })
            .collect(),
        results,
    }
}
