//! Assessments recorded in the tracker. For now the government's self-assessment: a point
//! of contact records the commitment's completion, on the IRM's scale for the plan, at
//! mid-term or end of term, with a justification. Recording it again replaces the levels;
//! the history keeps what was there before.

use super::{Actor, AppError};
use app::domain::{
    Assessment, AssessmentSource, Indicator, Rating, RecordKind, ScaleSet, Score, ScoreValue,
};
use app::input::SelfAssessmentInput;
use app::storage::{self, ChangeRecorder, Db, NewEntry};

/// Records the government's completion level of the commitment `code`; answers it.
pub async fn self_assess(
    db: &Db,
    actor: &Actor,
    code: &str,
    input: &SelfAssessmentInput,
) -> Result<Assessment, AppError> {
    let mut tx = db.begin().await?;
    let (stored, plan) = super::commitments::for_reporting(&mut tx, actor, code).await?;
    let lead = stored.commitment.lead_institution.as_deref();
    let scale = ScaleSet::for_plan_year(plan.year_submitted);
    let (stage, completion, justification) = input.validate(scale)?;
    // One government account per stage: the member speaks for its government.
    let (_, member) = storage::stored_member(&mut tx, &plan.member_code)
        .await?
        .ok_or(AppError::NotFound)?;
    let assessment = Assessment {
        source: AssessmentSource::Government,
        assessor: member.name,
        stage,
        scale,
        scores: vec![Score {
            indicator: Indicator::Completion,
            value: ScoreValue::Rated(Rating::Completion(completion)),
            justification: Some(justification),
        }],
    };
    let before = storage::stored_assessment(&mut tx, stored.id, &assessment).await?;
    if before.as_ref().map(|(_, a)| a) == Some(&assessment) {
        return Ok(assessment);
    }
    let now = storage::now();
    let id = storage::save_assessment(&mut tx, stored.id, &assessment, now).await?;
    let public = actor.for_commitment(&plan.member_code, lead);
    let mut history = ChangeRecorder::new(actor.change(now, public));
    let entries = match before {
        None => {
            let mut entries = vec![NewEntry::created(
                RecordKind::Assessment,
                id,
                Some(stored.id),
                None,
                &assessment.history_label(),
            )];
            entries.extend(NewEntry::changes(
                RecordKind::Assessment,
                id,
                Some(stored.id),
                None,
                &Vec::new(),
                &assessment.history_values(),
            ));
            entries
        }
        Some((_, before)) => NewEntry::changes(
            RecordKind::Assessment,
            id,
            Some(stored.id),
            None,
            &before.history_values(),
            &assessment.history_values(),
        ),
    };
    history.record(&mut tx, &entries).await?;
    tx.commit().await?;
    Ok(assessment)
}
