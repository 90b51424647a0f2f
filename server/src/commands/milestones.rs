//! Milestones, kept by the points of contact of their commitment's member (limited to the
//! lead institution when their grant names one) and admins: added, edited, moved in their
//! commitment's list, and reported on with progress updates. Each is public history.

use super::{Actor, AppError};
use app::domain::{HistoryField, Milestone, MilestoneStatus, PublicActor, RecordField, RecordKind};
use app::i18n::Key;
use app::input::{
    Direction, MilestoneFields, MilestoneInput, MilestoneUpdate, MilestoneUpdateInput, MoveInput,
};
use app::policy;
use app::storage::{
    self, ChangeRecorder, Conn, Db, MilestoneScope, MilestoneState, NewEntry, NewEvidenceFile,
    NewMilestone, NewProgressUpdate,
};

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
    uploads: Vec<crate::files::Upload>,
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
    if scope.commitment_withdrawn {
        return Err(AppError::conflict(
            MilestoneUpdateInput::status,
            Key::ErrCommitmentWithdrawn,
        ));
    }
    // Staleness first: an edit made from an older version is refused as such even when a
    // field is also wrong, so mending the field can never overwrite the newer change.
    if input.base_version()? != milestone.version {
        return Err(AppError::Stale);
    }
    let files = crate::files::check(uploads)?;
    let update = input.validate_with_files(files.len())?;
    if let Some(corrected) = update.corrects {
        if !storage::is_update_of(&mut db.acquire().await?, corrected, milestone_id).await? {
            return Err(AppError::invalid(
                MilestoneUpdateInput::corrects,
                Key::ErrCorrects,
            ));
        }
    }

    // Public pages name the role and the institution, never the person.
    let public = actor.for_commitment(&scope.member_code, lead);
    // Stored as facts; pages say "Government point of contact, <institution>" in the
    // reader's language.
    let author = PublicActor {
        member: None,
        ..public.clone()
    };

    let mut tx = db.begin().await?;
    let mut history = ChangeRecorder::new(actor.change(storage::now(), public.clone()));
    let by = Report {
        author,
        author_id: viewer.map(|v| v.user_id),
        files,
    };
    let (update_id, _) = report(
        &mut tx,
        &mut history,
        scope.commitment_id,
        &milestone,
        &update,
        by,
    )
    .await?;
    tx.commit().await?;
    Ok(UpdatePosted {
        commitment_code: scope.commitment_code,
        update_id,
    })
}

/// Who reports, and the files they bring.
pub(crate) struct Report {
    /// Shown publicly: a role and an institution.
    pub author: PublicActor,
    pub author_id: Option<i64>,
    pub files: Vec<NewEvidenceFile>,
}

/// Appends `update` to `milestone` (of the commitment `commitment_id`) and moves the
/// milestone to the status and progress it reports, if it is still at its version; else
/// nothing is written and the answer is [`AppError::Stale`]. Answers the update's id and
/// the milestone as it now is.
pub(crate) async fn report(
    conn: &mut dyn Conn,
    history: &mut ChangeRecorder,
    commitment_id: i64,
    milestone: &Milestone,
    update: &MilestoneUpdate,
    by: Report,
) -> Result<(i64, Milestone), AppError> {
    let now = history.at();
    // A milestone keeps the day it was completed while it stays completed.
    let completed_on = (update.status == MilestoneStatus::Completed)
        .then(|| milestone.completed_on.unwrap_or(now.date_naive()));
    let state = MilestoneState {
        status: update.status,
        progress: update.progress,
        completed_on,
    };
    if !storage::set_milestone_state(conn, milestone.id, milestone.version, &state).await? {
        return Err(AppError::Stale);
    }
    let update_id = storage::insert_progress_update(
        conn,
        milestone.id,
        &NewProgressUpdate {
            author: by.author,
            author_id: by.author_id,
            created_at: now,
            status: update.status,
            progress: update.progress,
            narrative: update.narrative.clone(),
            evidence: update.evidence.clone(),
            files: by.files,
            corrects: update.corrects,
        },
    )
    .await?;
    let after = Milestone {
        status: state.status,
        progress: state.progress,
        completed_on: state.completed_on,
        version: milestone.version + 1,
        ..milestone.clone()
    };
    let (in_commitment, of_milestone) = (Some(commitment_id), Some(milestone.id));
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
        milestone.id,
        in_commitment,
        of_milestone,
        &milestone.history_values(),
        &after.history_values(),
    ));
    history.record(conn, &entries).await?;
    Ok((update_id, after))
}

/// Inserts a milestone of the commitment `commitment_id`, with its history; answers its id.
pub(crate) async fn insert(
    conn: &mut dyn Conn,
    history: &mut ChangeRecorder,
    commitment_id: i64,
    new: &NewMilestone,
) -> Result<i64, AppError> {
    let id = storage::insert_milestone(conn, commitment_id, new).await?;
    let created = NewEntry::created(
        RecordKind::Milestone,
        id,
        Some(commitment_id),
        Some(id),
        &new.title,
    );
    history.record(conn, &[created]).await?;
    Ok(id)
}

/// Saves `after`'s edited fields over `before` if it is still at its version, with history.
pub(crate) async fn update_fields(
    conn: &mut dyn Conn,
    history: &mut ChangeRecorder,
    commitment_id: i64,
    before: &Milestone,
    after: &Milestone,
) -> Result<(), AppError> {
    if !storage::update_milestone_fields(conn, after, before.version).await? {
        return Err(AppError::Stale);
    }
    let entries = NewEntry::changes(
        RecordKind::Milestone,
        before.id,
        Some(commitment_id),
        Some(before.id),
        &before.history_values(),
        &after.history_values(),
    );
    history.record(conn, &entries).await?;
    Ok(())
}

/// A new milestone at `position` from its checked fields: not started.
pub(crate) fn new_milestone(fields: MilestoneFields, position: i64) -> NewMilestone {
    NewMilestone {
        position,
        title: fields.title,
        description: fields.description,
        responsible_institution: fields.responsible_institution,
        planned_start: fields.planned_start,
        planned_end: fields.planned_end,
        completed_on: None,
        status: MilestoneStatus::NotStarted,
        progress: 0,
        weight: fields.weight,
    }
}

/// `before` with the edited fields.
pub(crate) fn edited(before: &Milestone, fields: MilestoneFields) -> Milestone {
    Milestone {
        title: fields.title,
        description: fields.description,
        responsible_institution: fields.responsible_institution,
        planned_start: fields.planned_start,
        planned_end: fields.planned_end,
        weight: fields.weight,
        ..before.clone()
    }
}

/// Adds a milestone at the end of the commitment `code`'s list, not started. Answers its id.
pub async fn add(
    db: &Db,
    actor: &Actor,
    code: &str,
    input: &MilestoneInput,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let (stored, plan) = super::commitments::for_reporting(&mut tx, actor, code).await?;
    let lead = stored.commitment.lead_institution.as_deref();
    if stored.commitment.withdrawal.is_some() {
        return Err(AppError::conflict(
            MilestoneInput::title,
            Key::ErrCommitmentWithdrawn,
        ));
    }
    let fields = input.validate()?;
    let position = storage::next_milestone_position(&mut tx, stored.id).await?;
    let public = actor.for_commitment(&plan.member_code, lead);
    let mut history = ChangeRecorder::new(actor.change(storage::now(), public));
    let id = insert(
        &mut tx,
        &mut history,
        stored.id,
        &new_milestone(fields, position),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The milestone `id` with where it sits, for a change: refused unless the actor may
/// report on its commitment, and as stale unless the form saw `version`.
async fn for_change(
    tx: &mut storage::Tx,
    actor: &Actor,
    id: i64,
    version: Result<i64, AppError>,
) -> Result<(Milestone, MilestoneScope, PublicActor), AppError> {
    let (milestone, scope) = storage::milestone_in_context(tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lead = scope.lead_institution.as_deref();
    actor.authorize(|viewer| policy::may_update_milestone(viewer, &scope.member_code, lead))?;
    // A withdrawn commitment's milestones are kept as they were.
    if scope.commitment_withdrawn {
        return Err(AppError::conflict(
            MilestoneInput::title,
            Key::ErrCommitmentWithdrawn,
        ));
    }
    if version? != milestone.version {
        return Err(AppError::Stale);
    }
    let public = actor.for_commitment(&scope.member_code, lead);
    Ok((milestone, scope, public))
}

/// Edits a milestone's title, description, responsible institution, planned dates and
/// weight, as the form rendered from `input.version` saw it. Answers its commitment's code.
pub async fn edit(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &MilestoneInput,
) -> Result<String, AppError> {
    let mut tx = db.begin().await?;
    let (before, scope, public) = for_change(&mut tx, actor, id, input.base_version()).await?;
    let after = edited(&before, input.validate()?);
    if after == before {
        return Ok(scope.commitment_code);
    }
    let mut history = ChangeRecorder::new(actor.change(storage::now(), public));
    update_fields(&mut tx, &mut history, scope.commitment_id, &before, &after).await?;
    tx.commit().await?;
    Ok(scope.commitment_code)
}

/// Moves a milestone one place up or down its commitment's list; the list is numbered
/// 1, 2, 3... afterwards, and each milestone whose place changed has it in its history.
/// Answers its commitment's code.
pub async fn move_milestone(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &MoveInput,
) -> Result<String, AppError> {
    let mut tx = db.begin().await?;
    let version = input.validate().map(|(_, version)| version);
    let (_, scope, public) = for_change(&mut tx, actor, id, version).await?;
    let (direction, _) = input.validate()?;
    let mut list = storage::milestones_of(&mut tx, scope.commitment_id).await?;
    let at = list
        .iter()
        .position(|m| m.id == id)
        .ok_or(AppError::NotFound)?;
    let to = match direction {
        Direction::Up => at.checked_sub(1),
        Direction::Down => Some(at + 1).filter(|to| *to < list.len()),
    }
    .ok_or_else(|| AppError::conflict(MoveInput::direction, Key::ErrCannotMove))?;
    list.swap(at, to);
    let mut history = ChangeRecorder::new(actor.change(storage::now(), public));
    for (index, milestone) in list.iter().enumerate() {
        let position = index as i64 + 1;
        if milestone.position == position {
            continue;
        }
        storage::set_milestone_position(&mut tx, milestone.id, position).await?;
        let moved = Milestone {
            position,
            ..milestone.clone()
        };
        let entries = NewEntry::changes(
            RecordKind::Milestone,
            milestone.id,
            Some(scope.commitment_id),
            Some(milestone.id),
            &milestone.history_values(),
            &moved.history_values(),
        );
        history.record(&mut tx, &entries).await?;
    }
    tx.commit().await?;
    Ok(scope.commitment_code)
}
