//! Reading assessments and their scores.

use super::{corrupt, Conn, StorageError};
use crate::domain::{
    Assessment, AssessmentSource, Indicator, MissingCode, ScaleSet, Score, ScoreValue, Stage,
};

/// Reads a stored score: a missing-value code or the indicator's level by machine name.
pub(crate) fn score_value(indicator: Indicator, stored: &str) -> Result<ScoreValue, StorageError> {
    if let Some(code) = MissingCode::from_machine(stored) {
        return Ok(ScoreValue::Missing(code));
    }
    indicator
        .parse_rating(stored)
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
    indicator: String,
    value: String,
    justification: Option<String>,
}

/// Groups joined assessment-and-score rows (ordered by assessment) into assessments.
fn assessments_from_rows(rows: Vec<ScoreRow>) -> Result<Vec<(i64, Assessment)>, StorageError> {
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
        let indicator = Indicator::from_machine_name(&row.indicator)
            .ok_or_else(|| corrupt("indicator", &row.indicator))?;
        let score = Score {
            indicator,
            value: score_value(indicator, &row.value)?,
            justification: row.justification,
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

const SCORE_SELECT: &str =
    "SELECT a.id, a.source, a.assessor, a.stage, a.scale, s.indicator, s.value, s.justification
     FROM assessments a JOIN assessment_scores s ON s.assessment_id = a.id";

/// A commitment's assessments (IRM first, then by stage), in one query.
pub async fn assessments_of(
    conn: &mut dyn Conn,
    commitment_id: i64,
) -> Result<Vec<Assessment>, StorageError> {
    let sql = format!("{SCORE_SELECT} WHERE a.commitment_id = $1 ORDER BY a.id");
    let rows: Vec<ScoreRow> = run!(conn, fetch_all, sqlx::query_as(&sql).bind(commitment_id))?;
    let mut assessments: Vec<Assessment> = assessments_from_rows(rows)?
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    assessments.sort_by_key(|a| (a.source != AssessmentSource::Irm, a.stage, a.scale));
    Ok(assessments)
}

/// The stored assessment of a commitment by one assessor at one stage and scale, with its id.
pub async fn stored_assessment(
    conn: &mut dyn Conn,
    commitment_id: i64,
    assessment: &Assessment,
) -> Result<Option<(i64, Assessment)>, StorageError> {
    let sql = format!(
        "{SCORE_SELECT} WHERE a.commitment_id = $1 AND a.source = $2 AND a.assessor = $3
           AND a.stage = $4 AND a.scale = $5 ORDER BY a.id"
    );
    let rows: Vec<ScoreRow> = run!(
        conn,
        fetch_all,
        sqlx::query_as(&sql)
            .bind(commitment_id)
            .bind(assessment.source)
            .bind(&assessment.assessor)
            .bind(assessment.stage)
            .bind(assessment.scale)
    )?;
    Ok(assessments_from_rows(rows)?.into_iter().next())
}
