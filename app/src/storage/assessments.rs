//! Assessments: their scores and evidence, and their life (draft, published, superseded).
//! The public sees published ones; a scorer sees their own drafts too.

use super::{corrupt, delete_owned, Conn, StorageError};
use crate::domain::{
    disagreements, Assessment, AssessmentRecord, AssessmentSource, AssessmentStatus, Disagreeing,
    EvidenceLink, Indicator, MissingCode, ScaleSet, Score, ScoreValue, ScoresSummary, Stage,
    ValueCount,
};
use chrono::{DateTime, Utc};

/// Reads a stored score: a missing-value code or the indicator's level by machine name.
pub(crate) fn score_value(indicator: Indicator, stored: &str) -> Result<ScoreValue, StorageError> {
    if let Some(code) = MissingCode::from_machine(stored) {
        return Ok(ScoreValue::Missing(code));
    }
    // Stored levels are machine names; reading them as OGP's labels is the slow way round.
    indicator
        .rating_from_machine(stored)
        .or_else(|| indicator.parse_rating(stored))
        .map(ScoreValue::Rated)
        .ok_or_else(|| corrupt("score", stored))
}

#[derive(sqlx::FromRow)]
struct ScoreRow {
    id: i64,
    source: AssessmentSource,
    assessor: String,
    stage: Stage,
    scale: ScaleSet,
    indicator: Option<String>,
    value: Option<String>,
    justification: Option<String>,
}

#[derive(sqlx::FromRow)]
struct EvidenceRow {
    assessment_id: i64,
    indicator: String,
    url: String,
    title: String,
}

/// Groups joined assessment-and-score rows (ordered by assessment) into assessments, with
/// each score's evidence from `evidence`.
fn assessments_from_rows(
    rows: Vec<ScoreRow>,
    evidence: &[EvidenceRow],
) -> Result<Vec<(i64, Assessment)>, StorageError> {
    let mut assessments: Vec<(i64, Assessment)> = Vec::new();
    for row in rows {
        if assessments.last().map(|(last, _)| *last) != Some(row.id) {
            assessments.push((
                row.id,
                Assessment {
                    source: row.source,
                    assessor: row.assessor,
                    stage: row.stage,
                    scale: row.scale,
                    scores: Vec::new(),
                },
            ));
        }
        let (Some(name), Some(value)) = (row.indicator, row.value) else {
            continue;
        };
        let indicator =
            Indicator::from_machine_name(&name).ok_or_else(|| corrupt("indicator", &name))?;
        let score = Score {
            indicator,
            value: score_value(indicator, &value)?,
            justification: row.justification,
            evidence: evidence
                .iter()
                .filter(|e| e.assessment_id == row.id && e.indicator == name)
                .map(|e| EvidenceLink {
                    url: e.url.clone(),
                    title: e.title.clone(),
                })
                .collect(),
        };
        if let Some((_, assessment)) = assessments.last_mut() {
            assessment.scores.push(score);
        }
    }
    let order = Indicator::all();
    for (_, assessment) in &mut assessments {
        assessment
            .scores
            .sort_by_key(|s| order.iter().position(|i| *i == s.indicator));
    }
    Ok(assessments)
}

/// Which of a commitment's assessments to read.
#[derive(Clone, Copy)]
enum Which {
    Published,
    Every,
    /// One, by id.
    One(i64),
}

impl Which {
    /// The condition on `a`, the assessments table; `$2` is the id of [`Which::One`].
    fn condition(self) -> &'static str {
        match self {
            Which::Published => "a.status = 'published'",
            Which::Every => "TRUE",
            Which::One(_) => "a.id = $2",
        }
    }
}

/// The assessments of a commitment that `which` picks, with their ids and evidence.
async fn assessments_with_ids(
    conn: &mut dyn Conn,
    commitment_id: i64,
    which: Which,
) -> Result<Vec<(i64, Assessment)>, StorageError> {
    let rows = score_rows(conn, commitment_id, which).await?;
    let condition = which.condition();
    let sql = format!(
        "SELECT e.assessment_id, e.indicator, e.url, e.title FROM assessment_evidence e
         JOIN assessments a ON a.id = e.assessment_id
         WHERE a.commitment_id = $1 AND {condition} ORDER BY e.id"
    );
    let evidence: Vec<EvidenceRow> = run!(conn, fetch_all, {
        let query = sqlx::query_as(&sql).bind(commitment_id);
        match which {
            Which::One(id) => query.bind(id),
            _ => query,
        }
    })?;
    assessments_from_rows(rows, &evidence)
}

/// The assessments of a commitment that `which` picks as joined rows, one per score,
/// ordered by assessment.
async fn score_rows(
    conn: &mut dyn Conn,
    commitment_id: i64,
    which: Which,
) -> Result<Vec<ScoreRow>, StorageError> {
    let condition = which.condition();
    let sql = format!(
        "SELECT a.id, a.source, a.assessor, a.stage, a.scale, s.indicator, s.value,
            s.justification
         FROM assessments a LEFT JOIN assessment_scores s ON s.assessment_id = a.id
         WHERE a.commitment_id = $1 AND {condition} ORDER BY a.id"
    );
    Ok(run!(conn, fetch_all, {
        let query = sqlx::query_as(&sql).bind(commitment_id);
        match which {
            Which::One(id) => query.bind(id),
            _ => query,
        }
    })?)
}

/// A commitment's published assessments (IRM first, then by stage), in two queries.
pub async fn assessments_of(
    conn: &mut dyn Conn,
    commitment_id: i64,
) -> Result<Vec<Assessment>, StorageError> {
    let mut assessments: Vec<Assessment> =
        assessments_with_ids(conn, commitment_id, Which::Published)
            .await?
            .into_iter()
            .map(|(_, a)| a)
            .collect();
    assessments.sort_by_key(|a| (a.source != AssessmentSource::Irm, a.stage, a.scale));
    Ok(assessments)
}

/// The published assessment of a commitment by one assessor at one stage and scale, with
/// its id and whether a scorer wrote it in the tracker (an import leaves those alone).
pub async fn stored_assessment(
    conn: &mut dyn Conn,
    commitment_id: i64,
    assessment: &Assessment,
) -> Result<Option<(i64, Assessment, bool)>, StorageError> {
    let found: Option<(i64, Option<i64>)> = run!(
        conn,
        fetch_optional,
        sqlx::query_as(
            "SELECT id, author_id FROM assessments
             WHERE commitment_id = $1 AND source = $2 AND assessor = $3 AND stage = $4
               AND scale = $5 AND status = 'published'",
        )
        .bind(commitment_id)
        .bind(assessment.source)
        .bind(&assessment.assessor)
        .bind(assessment.stage)
        .bind(assessment.scale)
    )?;
    let Some((id, author)) = found else {
        return Ok(None);
    };
    Ok(assessments_with_ids(conn, commitment_id, Which::One(id))
        .await?
        .into_iter()
        .next()
        .map(|(id, stored)| (id, stored, author.is_some())))
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    id: i64,
    code: String,
    status: AssessmentStatus,
    version: i64,
    created_at: DateTime<Utc>,
    published_at: Option<DateTime<Utc>>,
    superseded_by: Option<i64>,
}

/// Every assessment of a commitment in every status, oldest first: a scorer's own list,
/// and the versions the public may read (the caller keeps drafts to their scorer).
pub async fn assessment_records(
    conn: &mut dyn Conn,
    commitment_id: i64,
) -> Result<Vec<AssessmentRecord>, StorageError> {
    let rows: Vec<RecordRow> = run!(
        conn,
        fetch_all,
        sqlx::query_as(
            "SELECT a.id, c.code, a.status, a.version, a.created_at, a.published_at,
                a.superseded_by
             FROM assessments a JOIN commitments c ON c.id = a.commitment_id
             WHERE a.commitment_id = $1 ORDER BY a.id",
        )
        .bind(commitment_id)
    )?;
    let mut scored = assessments_with_ids(conn, commitment_id, Which::Every).await?;
    rows.into_iter()
        .map(|row| {
            let at = scored
                .iter()
                .position(|(id, _)| *id == row.id)
                .ok_or_else(|| corrupt("assessment", &row.id.to_string()))?;
            Ok(AssessmentRecord {
                id: row.id,
                commitment_code: row.code,
                status: row.status,
                version: row.version,
                created_at: row.created_at,
                published_at: row.published_at,
                superseded_by: row.superseded_by,
                assessment: scored.swap_remove(at).1,
            })
        })
        .collect()
}

/// The commitment an assessment belongs to, by its id.
pub async fn commitment_of_assessment(
    conn: &mut dyn Conn,
    id: i64,
) -> Result<Option<i64>, StorageError> {
    Ok(run!(
        conn,
        fetch_optional,
        sqlx::query_scalar("SELECT commitment_id FROM assessments WHERE id = $1").bind(id)
    )?)
}

/// The assessment `id` with the commitment it belongs to.
pub async fn assessment_record(
    conn: &mut dyn Conn,
    id: i64,
) -> Result<Option<(i64, AssessmentRecord)>, StorageError> {
    let Some(commitment_id) = commitment_of_assessment(conn, id).await? else {
        return Ok(None);
    };
    Ok(assessment_records(conn, commitment_id)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .map(|r| (commitment_id, r)))
}

/// Writes the scores (and their evidence) of assessment `id`, replacing the stored ones
/// unless the assessment was `fresh`ly inserted (nothing to replace).
async fn write_scores(
    conn: &mut dyn Conn,
    id: i64,
    scores: &[Score],
    fresh: bool,
) -> Result<(), StorageError> {
    if !fresh {
        let owned = ["assessment_evidence", "assessment_scores"];
        delete_owned(conn, &owned, "assessment_id", id).await?;
    }
    insert_scores(conn, &[(id, scores)]).await?;
    if let Some(commitment_id) = commitment_of_assessment(conn, id).await? {
        super::facts_changed(conn, &[commitment_id]).await?;
    }
    Ok(())
}

/// Writes the scores (and their evidence) of each (assessment id, scores), none stored yet.
async fn insert_scores(
    conn: &mut dyn Conn,
    assessments: &[(i64, &[Score])],
) -> Result<(), StorageError> {
    let named: Vec<(i64, String, &Score)> = assessments
        .iter()
        .flat_map(|(id, scores)| {
            scores
                .iter()
                .map(move |score| (*id, score.indicator.machine_name(), score))
        })
        .collect();
    insert_rows!(
        conn,
        "INSERT INTO assessment_scores (assessment_id, indicator, value, justification) ",
        named,
        "",
        |row, score| row
            .push_bind(score.0)
            .push_bind(&score.1)
            .push_bind(score.2.value.as_str())
            .push_bind(&score.2.justification)
    );
    let links: Vec<(i64, &String, &EvidenceLink)> = named
        .iter()
        .flat_map(|(id, indicator, score)| {
            score
                .evidence
                .iter()
                .map(move |link| (*id, indicator, link))
        })
        .collect();
    insert_rows!(
        conn,
        "INSERT INTO assessment_evidence (assessment_id, indicator, url, title) ",
        links,
        "",
        |row, link| row
            .push_bind(link.0)
            .push_bind(link.1)
            .push_bind(&link.2.url)
            .push_bind(&link.2.title)
    );
    Ok(())
}

/// Stores the published assessments of commitments inserted in this transaction, as each
/// (commitment id, assessment), in multi-row statements; answers their ids in the same
/// order. None of those commitments has a stored assessment to replace, and their
/// disagreements were counted as they were inserted ([`super::NewCommitment`]); two
/// assessments of one commitment from one source and assessor at one stage and scale are
/// refused by their key.
pub async fn insert_published_assessments(
    conn: &mut dyn Conn,
    assessments: &[(i64, &Assessment)],
    created_at: DateTime<Utc>,
) -> Result<Vec<i64>, StorageError> {
    // Keyed by machine names: the enums are stored as them.
    type Key = (i64, String, String, String, String);
    let mut ids = Vec::with_capacity(assessments.len());
    for chunk in assessments.chunks(super::ROWS_PER_INSERT) {
        let inserted: Vec<(i64, i64, String, String, String, String)> = native!(conn, |c| {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO assessments (commitment_id, source, assessor, stage, scale,
                        created_at, status, published_at) ",
            );
            insert.push_values(chunk, |mut row, (commitment_id, assessment)| {
                row.push_bind(*commitment_id)
                    .push_bind(assessment.source)
                    .push_bind(&assessment.assessor)
                    .push_bind(assessment.stage)
                    .push_bind(assessment.scale)
                    .push_bind(created_at)
                    .push_bind("published")
                    .push_bind(created_at);
            });
            // The order of the rows RETURNING answers is not defined: each is known by
            // its key.
            insert.push(" RETURNING id, commitment_id, source, assessor, stage, scale");
            insert.build_query_as().fetch_all(c).await
        })?;
        let by_key: std::collections::HashMap<Key, i64> = inserted
            .into_iter()
            .map(|(id, commitment, source, assessor, stage, scale)| {
                ((commitment, source, assessor, stage, scale), id)
            })
            .collect();
        for (commitment_id, a) in chunk {
            let key = (
                *commitment_id,
                a.source.as_str().to_string(),
                a.assessor.clone(),
                a.stage.as_str().to_string(),
                a.scale.as_str().to_string(),
            );
            let id = by_key.get(&key).copied().ok_or_else(|| {
                StorageError::Corrupt(format!(
                    "the insert of an assessment of commitment {commitment_id} answered no id"
                ))
            })?;
            ids.push(id);
        }
    }
    let scores: Vec<(i64, &[Score])> = ids
        .iter()
        .zip(assessments)
        .map(|(id, (_, assessment))| (*id, assessment.scores.as_slice()))
        .collect();
    insert_scores(conn, &scores).await?;
    let commitments: Vec<i64> = assessments.iter().map(|(c, _)| *c).collect();
    super::facts_changed(conn, &commitments).await?;
    Ok(ids)
}

/// Stores one assessor's published assessment of a commitment at one stage and scale (an
/// import's, the demo's or a government self-assessment), replacing the scores of the
/// published one by the same assessor; returns its id. `None`, writing nothing, when that
/// published one was written in the tracker by a scorer: a new version supersedes it, an
/// import never overwrites it. With `new_commitment` (the commitment was inserted in this
/// transaction, so no scores of it are stored) nothing is deleted before the scores are
/// written; were there scores after all, their key would refuse the write.
pub async fn save_assessment(
    conn: &mut dyn Conn,
    commitment_id: i64,
    assessment: &Assessment,
    created_at: DateTime<Utc>,
    new_commitment: bool,
) -> Result<Option<i64>, StorageError> {
    let id: Option<i64> = run!(
        conn,
        fetch_optional,
        sqlx::query_scalar(
            "INSERT INTO assessments (commitment_id, source, assessor, stage, scale, created_at,
                status, published_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'published', $6)
             ON CONFLICT (commitment_id, source, assessor, stage, scale)
                WHERE status = 'published'
                DO UPDATE SET scale = excluded.scale WHERE assessments.author_id IS NULL
             RETURNING id",
        )
        .bind(commitment_id)
        .bind(assessment.source)
        .bind(&assessment.assessor)
        .bind(assessment.stage)
        .bind(assessment.scale)
        .bind(created_at)
    )?;
    if let Some(id) = id {
        // An upsert: unless the commitment is new, the published one it replaced may have
        // had scores.
        write_scores(conn, id, &assessment.scores, new_commitment).await?;
        refresh_disagreements(conn, commitment_id).await?;
    }
    Ok(id)
}

/// Stores a new draft; `None` when the same scorer already has a draft of this commitment
/// at this stage and scale.
pub async fn insert_draft(
    conn: &mut dyn Conn,
    commitment_id: i64,
    assessment: &Assessment,
    author_id: i64,
    created_at: DateTime<Utc>,
) -> Result<Option<i64>, StorageError> {
    let id: Option<i64> = run!(
        conn,
        fetch_optional,
        sqlx::query_scalar(
            "INSERT INTO assessments (commitment_id, source, assessor, stage, scale, created_at,
                status, version, author_id)
             VALUES ($1, $2, $3, $4, $5, $6, 'draft', 1, $7)
             ON CONFLICT (commitment_id, source, assessor, stage, scale)
                WHERE status = 'draft' DO NOTHING
             RETURNING id",
        )
        .bind(commitment_id)
        .bind(assessment.source)
        .bind(&assessment.assessor)
        .bind(assessment.stage)
        .bind(assessment.scale)
        .bind(created_at)
        .bind(author_id)
    )?;
    if let Some(id) = id {
        write_scores(conn, id, &assessment.scores, true).await?;
    }
    Ok(id)
}

/// Replaces a draft's scores if it is still a draft at `expected_version`; false (nothing
/// written) when it was saved, published or deleted since.
pub async fn update_draft(
    conn: &mut dyn Conn,
    id: i64,
    expected_version: i64,
    scores: &[Score],
) -> Result<bool, StorageError> {
    let touched = execute!(
        conn,
        sqlx::query(
            "UPDATE assessments SET version = version + 1
             WHERE id = $1 AND version = $2 AND status = 'draft'",
        )
        .bind(id)
        .bind(expected_version)
    )?;
    if touched != 1 {
        return Ok(false);
    }
    write_scores(conn, id, scores, false).await?;
    Ok(true)
}

/// Publishes the draft `id` (already saved at this version by [`update_draft`]): the same
/// scorer's published assessment of the same commitment, stage and scale, if any, is
/// superseded by it. Answers the superseded one's id.
pub async fn publish_draft(
    conn: &mut dyn Conn,
    id: i64,
    at: DateTime<Utc>,
) -> Result<Option<i64>, StorageError> {
    let superseded: Option<i64> = run!(
        conn,
        fetch_optional,
        sqlx::query_scalar(
            "UPDATE assessments SET status = 'superseded', superseded_by = $1
             WHERE status = 'published' AND id IN (
                SELECT o.id FROM assessments o JOIN assessments d
                  ON d.commitment_id = o.commitment_id AND d.source = o.source
                 AND d.assessor = o.assessor AND d.stage = o.stage AND d.scale = o.scale
                WHERE d.id = $1 AND d.status = 'draft' AND o.id <> $1)
             RETURNING id",
        )
        .bind(id)
    )?;
    let published = execute!(
        conn,
        sqlx::query(
            "UPDATE assessments SET status = 'published', published_at = $2
             WHERE id = $1 AND status = 'draft'",
        )
        .bind(id)
        .bind(at)
    )?;
    if published != 1 {
        return Err(StorageError::Corrupt(format!(
            "assessment {id} was not a draft when published"
        )));
    }
    if let Some(commitment_id) = commitment_of_assessment(conn, id).await? {
        refresh_disagreements(conn, commitment_id).await?;
        super::facts_changed(conn, &[commitment_id]).await?;
    }
    Ok(superseded)
}

/// Holds the published assessment `id` as it is until the transaction ends (a new version
/// is started from it); false when it is not published (any more).
pub async fn hold_published(conn: &mut dyn Conn, id: i64) -> Result<bool, StorageError> {
    let held = execute!(
        conn,
        sqlx::query(
            "UPDATE assessments SET version = version WHERE id = $1 AND status = 'published'"
        )
        .bind(id)
    )?;
    Ok(held == 1)
}

/// Deletes the draft `id` if it is still a draft at `expected_version` (its scores and
/// evidence go with it: their keys cascade).
pub async fn delete_draft(
    conn: &mut dyn Conn,
    id: i64,
    expected_version: i64,
) -> Result<bool, StorageError> {
    let deleted = execute!(
        conn,
        sqlx::query("DELETE FROM assessments WHERE id = $1 AND version = $2 AND status = 'draft'")
            .bind(id)
            .bind(expected_version)
    )?;
    Ok(deleted == 1)
}

/// Whose commitments a scores summary covers.
#[derive(Clone, Copy, Debug)]
pub enum ScoresOf<'a> {
    /// A plan, by key.
    Plan(&'a str),
    /// A member, by slug.
    Member(&'a str),
}

#[derive(sqlx::FromRow)]
struct ValueCountRow {
    scale: ScaleSet,
    stage: Stage,
    source: AssessmentSource,
    indicator: String,
    value: String,
    count: i64,
}

#[derive(sqlx::FromRow)]
struct DisagreeingRow {
    code: String,
    title: String,
    disagreements: i64,
}

/// The summary of the published assessments of a plan's or a member's commitments: the
/// levels read from the counts the writes keep per plan (migration 0015: each count is its
/// row plus its changes not folded yet), the most disagreeing commitments from the counts
/// [`refresh_disagreements`] keeps. Equal to [`ScoresSummary::of`] over the same
/// assessments, which the tests check.
pub async fn scores_summary(
    conn: &mut dyn Conn,
    of: ScoresOf<'_>,
) -> Result<ScoresSummary, StorageError> {
    let (condition, key) = match of {
        ScoresOf::Plan(key) => ("p.plan_key = $1", key),
        ScoresOf::Member(slug) => ("m.slug = $1", slug),
    };
    let levels = "scale, stage, source, indicator, value";
    // Summed by the database: sqlx reads a row dearer than SQLite groups one.
    let sql = format!(
        "WITH plans AS (SELECT p.id FROM action_plans p JOIN members m ON m.id = p.member_id
            WHERE {condition})
         SELECT {levels}, CAST(SUM(n) AS BIGINT) AS count FROM (
            SELECT {levels}, n FROM score_totals WHERE plan_id IN (SELECT id FROM plans)
            UNION ALL SELECT {levels}, n FROM score_changes
                WHERE plan_id IN (SELECT id FROM plans)) t
         GROUP BY {levels} HAVING SUM(n) <> 0"
    );
    let rows: Vec<ValueCountRow> = run!(conn, fetch_all, sqlx::query_as(&sql).bind(key))?;
    let counts = rows
        .into_iter()
        .map(|row| {
            let indicator = Indicator::from_machine_name(&row.indicator)
                .ok_or_else(|| corrupt("indicator", &row.indicator))?;
            Ok(ValueCount {
                scale: row.scale,
                stage: row.stage,
                indicator,
                source: row.source,
                value: score_value(indicator, &row.value)?,
                count: usize::try_from(row.count).unwrap_or_else(|_| {
                    // A counting fault (the tests compare the counts with the scores) shows
                    // as a level not counted rather than a page not shown.
                    tracing::error!(count = row.count, "a kept count of scores is negative");
                    0
                }),
            })
        })
        .collect::<Result<Vec<_>, StorageError>>()?;
    let commitments = "commitments c
         JOIN action_plans p ON p.id = c.plan_id
         JOIN members m ON m.id = p.member_id";
    let sql = format!(
        "SELECT COUNT(*) FROM {commitments}
         WHERE {condition} AND EXISTS (SELECT 1 FROM assessments a
            WHERE a.commitment_id = c.id AND a.status = 'published')"
    );
    let assessed: i64 = run!(conn, fetch_one, sqlx::query_scalar(&sql).bind(key))?;
    // Every disagreeing one (few, and served by an index): ties are broken by code in Rust,
    // byte by byte, where PostgreSQL's collation could order them otherwise.
    let sql = format!(
        "SELECT c.code, c.title, c.disagreements FROM {commitments}
         WHERE {condition} AND c.disagreements > 0"
    );
    let disagreeing: Vec<DisagreeingRow> = run!(conn, fetch_all, sqlx::query_as(&sql).bind(key))?;
    let disagreeing = disagreeing
        .into_iter()
        .map(|row| Disagreeing {
            code: row.code,
            title: row.title,
            disagreements: usize::try_from(row.disagreements).unwrap_or_default(),
        })
        .collect();
    Ok(ScoresSummary::from_counts(
        usize::try_from(assessed).unwrap_or_default(),
        counts,
        disagreeing,
    ))
}

/// [`scores_summary`], as every rendered page of a plan or member reads it: kept until the
/// next write, when something is assessed (made-up keys assess nothing, and would fill the
/// memo).
pub async fn kept_scores_summary(
    db: &super::Db,
    at: &super::ReadAt,
    of: ScoresOf<'_>,
    today: chrono::NaiveDate,
) -> Result<ScoresSummary, StorageError> {
    use super::memo::{Record, Working};
    let record = match of {
        ScoresOf::Plan(key) => Record::PlanScores(key.to_owned()),
        ScoresOf::Member(slug) => Record::MemberScores(slug.to_owned()),
    };
    let read = async { scores_summary(&mut db.acquire().await?, of).await };
    let assessed = |summary: &ScoresSummary| summary.assessed > 0;
    super::memo::kept_record(db, at, today, record, Working::EachReader, assessed, read).await
}

/// Counts again how many indicators the sources of a commitment's published assessments
/// disagree on ([`disagreements`]); every write that publishes, replaces or supersedes an
/// assessment calls it in its transaction, so the summaries never go stale.
pub async fn refresh_disagreements(
    conn: &mut dyn Conn,
    commitment_id: i64,
) -> Result<(), StorageError> {
    // The commitment's row is locked before its assessments are read, so that two
    // transactions publishing at once count one after the other (on PostgreSQL each would
    // otherwise count without the other's and the later write would win).
    execute!(
        conn,
        sqlx::query("UPDATE commitments SET disagreements = disagreements WHERE id = $1")
            .bind(commitment_id)
    )?;
    // Levels are what disagreements compare; the evidence is not read.
    let rows = score_rows(conn, commitment_id, Which::Published).await?;
    let published: Vec<Assessment> = assessments_from_rows(rows, &[])?
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    let count = i64::try_from(disagreements(&published)).unwrap_or(i64::MAX);
    execute!(
        conn,
        sqlx::query("UPDATE commitments SET disagreements = $2 WHERE id = $1")
            .bind(commitment_id)
            .bind(count)
    )?;
    Ok(())
}

/// Counts the disagreements of the commitments that have none counted yet (those assessed
/// before migration 0012); run after migrating.
pub async fn refresh_uncounted_disagreements(conn: &mut dyn Conn) -> Result<usize, StorageError> {
    let ids: Vec<i64> = run!(
        conn,
        fetch_all,
        sqlx::query_scalar("SELECT id FROM commitments WHERE disagreements IS NULL ORDER BY id")
    )?;
    for id in &ids {
        refresh_disagreements(conn, *id).await?;
    }
    Ok(ids.len())
}
