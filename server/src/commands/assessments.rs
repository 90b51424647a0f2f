//! Assessments recorded in the tracker.
//!
//! The government's self-assessment: a point of contact records the commitment's
//! completion, on the IRM's scale for the plan, at mid-term or end of term, with a
//! justification. Recording it again replaces the levels; the history keeps what was there
//! before.
//!
//! Independent scoring: a civil-society reviewer or an IRM researcher drafts an assessment
//! (scale set, stage, a level, justification and evidence per indicator), saves it as often
//! as they like, and publishes it. A published assessment is never edited: a new version
//! starts as a draft and supersedes it when published, and both stay in the public history.
//! A draft is its scorer's alone (their organisation's), and may be deleted.

use super::{Actor, AppError};
use app::domain::{
    ActionPlan, Assessment, AssessmentRecord, AssessmentSource, AssessmentStatus, AuditAction,
    AuditFact, HistoryField, Indicator, PublicActor, Rating, RecordField, RecordKind, Role,
    ScaleSet, Score, ScoreValue, Scorer,
};
use app::i18n::Key;
use app::input::{AssessmentInput, Saving, SelfAssessmentInput};
use app::policy;
use app::storage::{self, ChangeRecorder, Conn, Db, NewEntry, StoredCommitmentRecord, Tx};

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
            evidence: Vec::new(),
        }],
    };
    let before = storage::stored_assessment(&mut tx, stored.id, &assessment).await?;
    if before.as_ref().map(|(_, a, _)| a) == Some(&assessment) {
        return Ok(assessment);
    }
    let now = storage::now();
    // The government's own account is never a scorer's, so it is always there to replace.
    let id = storage::save_assessment(&mut tx, stored.id, &assessment, now, false)
        .await?
        .ok_or(AppError::Internal)?;
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
        Some((_, before, _)) => NewEntry::changes(
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

/// The commitment `code` with its plan, and who the actor scores it as.
async fn for_scoring(
    conn: &mut dyn Conn,
    actor: &Actor,
    code: &str,
) -> Result<(StoredCommitmentRecord, ActionPlan, Scorer, i64), AppError> {
    let (stored, plan) = super::commitments::with_plan(conn, code).await?;
    let (scorer, author) = scorer(actor, &plan.member_code)?;
    Ok((stored, plan, scorer, author))
}

/// Who the actor scores a commitment of `member` as, and their account: only people with
/// a reviewer or IRM role for the member (the command line has no organisation to speak
/// for).
fn scorer(actor: &Actor, member: &str) -> Result<(Scorer, i64), AppError> {
    let viewer = actor.viewer().ok_or(AppError::SignInRequired)?;
    let scorer = policy::scorer_for(Some(viewer), member)?;
    Ok((scorer, viewer.user_id))
}

/// The assessment `id` for its own scorer to change: refused to anyone else (a draft is
/// theirs alone) and, once published, to everyone (409: a new version supersedes it).
async fn own_draft(
    conn: &mut dyn Conn,
    actor: &Actor,
    id: i64,
) -> Result<(i64, AssessmentRecord, ActionPlan, Scorer), AppError> {
    let (commitment_id, record, plan, scorer, _) = own(conn, actor, id).await?;
    if record.status != AssessmentStatus::Draft {
        return Err(AppError::conflict(
            AssessmentInput::version,
            Key::ErrAssessmentPublished,
        ));
    }
    Ok((commitment_id, record, plan, scorer))
}

/// The assessment `id` with its commitment's id, its plan, and the actor as its scorer
/// and their account, if it is theirs. Someone else's draft is not found, as on its page:
/// whether a draft exists is its scorer's business.
async fn own(
    conn: &mut dyn Conn,
    actor: &Actor,
    id: i64,
) -> Result<(i64, AssessmentRecord, ActionPlan, Scorer, i64), AppError> {
    let (commitment_id, record) = storage::assessment_record(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, plan, scorer, author) = for_scoring(conn, actor, &record.commitment_code).await?;
    if !scorer.owns(&record.assessment) {
        return Err(match record.status {
            AssessmentStatus::Draft => AppError::NotFound,
            _ => AppError::NotAllowed,
        });
    }
    Ok((commitment_id, record, plan, scorer, author))
}

/// Audits a draft's save or deletion: drafts are the scorer's work in progress, not yet
/// public, so they leave an audit line rather than public history.
async fn audit_draft(
    conn: &mut dyn Conn,
    actor: &Actor,
    action: AuditAction,
    id: i64,
    scorer: &Scorer,
    code: &str,
) -> Result<(), AppError> {
    let facts = vec![
        (AuditFact::Assessment, id.to_string()),
        (AuditFact::Commitment, code.to_string()),
        (AuditFact::Institution, scorer.organisation.clone()),
    ];
    // The subject of an audit line is an account; the draft is named by a fact.
    actor.audit(conn, action, None, facts).await?;
    Ok(())
}

/// Writes the levels typed into the draft `record`, checked for `saving`, if it is still at
/// the version the form was rendered from (409 otherwise); answers the scores.
async fn write_draft(
    conn: &mut dyn Conn,
    record: &AssessmentRecord,
    input: &AssessmentInput,
    saving: Saving,
) -> Result<Vec<Score>, AppError> {
    let draft = &record.assessment;
    let scores = input.validate(draft.scale, draft.stage, draft.source, saving)?;
    if !storage::update_draft(conn, record.id, input.base_version()?, &scores).await? {
        return Err(AppError::Stale);
    }
    Ok(scores)
}

/// Audits the draft `id` just made, changed or started from a published version, commits,
/// and answers it as stored.
async fn draft_saved(
    mut tx: Tx,
    actor: &Actor,
    id: i64,
    scorer: &Scorer,
    code: &str,
) -> Result<AssessmentRecord, AppError> {
    audit_draft(
        &mut tx,
        actor,
        AuditAction::AssessmentDrafted,
        id,
        scorer,
        code,
    )
    .await?;
    let (_, record) = storage::assessment_record(&mut tx, id)
        .await?
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    Ok(record)
}

/// Starts a draft assessment of the commitment `code` on the scale set and stage chosen;
/// answers it.
pub async fn create_draft(
    db: &Db,
    actor: &Actor,
    code: &str,
    input: &AssessmentInput,
) -> Result<AssessmentRecord, AppError> {
    let mut tx = db.begin().await?;
    let (stored, _, scorer, author) = for_scoring(&mut tx, actor, code).await?;
    let (scale, stage) = input.scale_and_stage()?;
    let scores = input.validate(scale, stage, scorer.source, Saving::Draft)?;
    let assessment = Assessment {
        source: scorer.source,
        assessor: scorer.organisation.clone(),
        stage,
        scale,
        scores,
    };
    let id = storage::insert_draft(&mut tx, stored.id, &assessment, author, storage::now())
        .await?
        .ok_or_else(|| AppError::conflict(AssessmentInput::stage, Key::ErrDraftExists))?;
    draft_saved(tx, actor, id, &scorer, &stored.commitment.code).await
}

/// Saves the draft `id` with the levels typed, if it is the actor's and still at the
/// version the form was rendered from.
pub async fn save_draft(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &AssessmentInput,
) -> Result<AssessmentRecord, AppError> {
    let mut tx = db.begin().await?;
    let (_, record, _, scorer) = own_draft(&mut tx, actor, id).await?;
    write_draft(&mut tx, &record, input, Saving::Draft).await?;
    draft_saved(tx, actor, id, &scorer, &record.commitment_code).await
}

/// Publishes the draft `id` with the levels typed (every indicator scored, each level
/// justified): it becomes public history, and supersedes the scorer's published
/// assessment of the same commitment, stage and scale set, which stays readable.
pub async fn publish(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &AssessmentInput,
) -> Result<AssessmentRecord, AppError> {
    let mut tx = db.begin().await?;
    let (commitment_id, record, plan, scorer) = own_draft(&mut tx, actor, id).await?;
    let draft = &record.assessment;
    let scores = write_draft(&mut tx, &record, input, Saving::Publish).await?;
    let now = storage::now();
    let superseded = storage::publish_draft(&mut tx, id, now).await?;
    let published = Assessment {
        scores,
        ..draft.clone()
    };
    let public = PublicActor {
        role: Some(match scorer.source {
            AssessmentSource::Irm => Role::Irm,
            _ => Role::Reviewer,
        }),
        member: Some(plan.member_code.clone()),
        institution: Some(scorer.organisation.clone()),
    };
    let mut history = ChangeRecorder::new(actor.change(now, public));
    let mut entries = vec![NewEntry::created(
        RecordKind::Assessment,
        id,
        Some(commitment_id),
        None,
        &published.history_label(),
    )];
    entries.extend(NewEntry::changes(
        RecordKind::Assessment,
        id,
        Some(commitment_id),
        None,
        &Vec::new(),
        &published.history_values(),
    ));
    if let Some(old) = superseded {
        entries.extend(NewEntry::changes(
            RecordKind::Assessment,
            old,
            Some(commitment_id),
            None,
            &vec![status_value(AssessmentStatus::Published)],
            &vec![status_value(AssessmentStatus::Superseded)],
        ));
    }
    history.record(&mut tx, &entries).await?;
    let record = storage::assessment_record(&mut tx, id)
        .await?
        .ok_or(AppError::Internal)?
        .1;
    tx.commit().await?;
    Ok(record)
}

fn status_value(status: AssessmentStatus) -> (HistoryField, Option<String>) {
    (
        HistoryField::Field(RecordField::Status),
        Some(status.as_str().to_string()),
    )
}

/// Starts a new version of the published assessment `id`: a draft with its levels, which
/// supersedes it once published. The published one is never changed.
pub async fn new_version(db: &Db, actor: &Actor, id: i64) -> Result<AssessmentRecord, AppError> {
    let mut tx = db.begin().await?;
    let (commitment_id, record, _, scorer, author) = own(&mut tx, actor, id).await?;
    // Held, so that a version published at this moment cannot make this one stale unseen.
    if !storage::hold_published(&mut tx, id).await? {
        return Err(AppError::conflict(
            AssessmentInput::version,
            Key::ErrOnlyPublishedRevised,
        ));
    }
    let draft = storage::insert_draft(
        &mut tx,
        commitment_id,
        &record.assessment,
        author,
        storage::now(),
    )
    .await?
    .ok_or_else(|| AppError::conflict(AssessmentInput::stage, Key::ErrDraftExists))?;
    draft_saved(tx, actor, draft, &scorer, &record.commitment_code).await
}

/// Deletes the draft `id`, if it is the actor's and still at the version shown; answers
/// the code of its commitment.
pub async fn delete_draft(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &AssessmentInput,
) -> Result<String, AppError> {
    let mut tx = db.begin().await?;
    let (_, record, _, scorer) = own_draft(&mut tx, actor, id).await?;
    if !storage::delete_draft(&mut tx, id, input.base_version()?).await? {
        return Err(AppError::Stale);
    }
    audit_draft(
        &mut tx,
        actor,
        AuditAction::AssessmentDraftDeleted,
        id,
        &scorer,
        &record.commitment_code,
    )
    .await?;
    tx.commit().await?;
    Ok(record.commitment_code)
}
