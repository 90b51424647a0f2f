//! Reading assessments and their scores.

use super::{corrupt, Db, StorageError};
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

/// A commitment's assessments (IRM first, then by stage), in one query.
pub async fn assessments_of(db: &Db, commitment_id: i64) -> Result<Vec<Assessment>, StorageError> {
    let rows: Vec<(
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
    )> = sqlx::query_as(
        "SELECT a.id, a.source, a.assessor, a.stage, a.scale, s.indicator, s.value, s.justification
             FROM assessments a JOIN assessment_scores s ON s.assessment_id = a.id
             WHERE a.commitment_id = $1
             ORDER BY a.id",
    )
    .bind(commitment_id)
    .fetch_all(&db.pool)
    .await?;
    let mut assessments: Vec<(i64, Assessment)> = Vec::new();
    for (id, source, assessor, stage, scale, indicator, value, justification) in rows {
        if assessments.last().map(|(last, _)| *last) != Some(id) {
            assessments.push((
                id,
                Assessment {
                    source: AssessmentSource::from_machine(&source)
                        .ok_or_else(|| corrupt("assessment source", &source))?,
                    assessor,
                    stage: Stage::from_machine(&stage).ok_or_else(|| corrupt("stage", &stage))?,
                    scale: ScaleSet::from_machine(&scale)
                        .ok_or_else(|| corrupt("scale", &scale))?,
                    scores: Vec::new(),
                },
            ));
        }
        let indicator = Indicator::from_machine_name(&indicator)
            .ok_or_else(|| corrupt("indicator", &indicator))?;
        let score = Score {
            indicator,
            value: score_value(indicator, &value)?,
            justification,
        };
        if let Some((_, assessment)) = assessments.last_mut() {
            assessment.scores.push(score);
        }
    }
    let mut assessments: Vec<Assessment> = assessments.into_iter().map(|(_, a)| a).collect();
    for assessment in &mut assessments {
        let order = Indicator::all();
        assessment
            .scores
            .sort_by_key(|s| order.iter().position(|i| *i == s.indicator));
    }
    assessments.sort_by_key(|a| (a.source != AssessmentSource::Irm, a.stage, a.scale));
    Ok(assessments)
}
