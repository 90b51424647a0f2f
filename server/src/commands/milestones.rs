//! Progress updates on milestones, posted by the member's points of contact (and admins).

use super::{Actor, AppError};
use app::domain::{HistoryField, MilestoneStatus, PublicActor, RecordField, RecordKind, Role};
use app::input::MilestoneUpdateInput;
use app::policy;
use app::storage::{self, ChangeRecorder, Db, MilestoneState, NewEntry, NewProgressUpdate};

/// What a posted update changed.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdatePosted {
    pub commitment_code: String,
    pub update_id: i64,
}

/// Appends a progress update to a milestone and moves the milestone to the status and
/// progress it reports, if the milestone is still at the version the form was rendered
/// from; else nothing is written and the answer is [`AppError::Stale`].
pub async fn post_update(
    db: &Db,
    actor: &Actor,
    milestone_id: i64,
    input: &MilestoneUpdateInput,
) -> Result<UpdatePosted, AppError> {
    // Everything is checked before the write lock is taken. What is read here is still what
    // the update replaces when it is written: it is only written if the version has not
    // moved, and every change moves it.
    let (milestone, scope) = storage::milestone_in_context(&mut db.acquire().await?, milestone_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lead = scope.lead_institution.as_deref();
    let viewer =
        actor.authorize(|viewer| policy::may_update_milestone(viewer, &scope.member_code, lead))?;
    // Staleness first: an edit made from an older version is refused as such even when a
    // field is also wrong, so mending the field can never overwrite the newer change.
    if input.base_version()? != milestone.version {
        return Err(AppError::Stale);
    }
    let update = input.validate()?;

    // Public pages name the role and the institution, never the person.
    let poc_grant = viewer.and_then(|v| policy::poc_grant_for(v, &scope.member_code, lead));
    let public = match poc_grant {
        Some(grant) => PublicActor {
            role: Some(Role::Poc),
            member: Some(scope.member_code.clone()),
            institution: grant
                .institution
                .clone()
                .or_else(|| scope.lead_institution.clone())
                .or_else(|| grant.member_name.clone()),
        },
        None => PublicActor {
            role: viewer.map(|_| Role::Admin),
            member: None,
            institution: None,
        },
    };
    // Stored as facts; pages say "Government point of contact, <institution>" in the
    // reader's language.
    let author = PublicActor {
        member: None,
        ..public.clone()
    };

    let mut tx = db.begin().await?;
    let now = storage::now();
    // A milestone keeps the day it was completed while it stays completed.
    let completed_on = (update.status == MilestoneStatus::Completed)
        .then(|| milestone.completed_on.unwrap_or(now.date_naive()));
    let state = MilestoneState {
        status: update.status,
        progress: update.progress,
        completed_on,
    };
    if !storage::set_milestone_state(&mut tx, milestone_id, update.version, &state).await? {
        return Err(AppError::Stale);
    }
    let update_id = storage::insert_progress_update(
        &mut tx,
        milestone_id,
        &NewProgressUpdate {
            author,
            author_id: viewer.map(|v| v.user_id),
            created_at: now,
            status: update.status,
            progress: update.progress,
            narrative: update.narrative.clone(),
            evidence: update.evidence.clone(),
        },
    )
    .await?;

    let mut after = milestone.clone();
    after.status = state.status;
    after.progress = state.progress;
    after.completed_on = state.completed_on;
    let (in_commitment, of_milestone) = (Some(scope.commitment_id), Some(milestone_id));
    let mut entries = vec![NewEntry {
        field: HistoryField::Field(RecordField::Narrative),
        ..NewEntry::created(
            RecordKind::ProgressUpdate,
            update_id,
            in_commitment,
            of_milestone,
            &update.narrative,
        )
    }];
    entries.extend(NewEntry::changes(
        RecordKind::Milestone,
        milestone_id,
        in_commitment,
        of_milestone,
        &milestone.history_values(),
        &after.history_values(),
    ));
    let mut history = ChangeRecorder::new(actor.change(now, public));
    history.record(&mut tx, &entries).await?;
    tx.commit().await?;
    Ok(UpdatePosted {
        commitment_code: scope.commitment_code,
        update_id,
    })
}
