//! Commitments kept by a member's points of contact (and admins): added to a plan with an
//! OGP-style code, edited, and withdrawn, which keeps them and says why. Each is public
//! history.

use super::{Actor, AppError};
use app::domain::{
    ActionPlan, AuditAction, AuditFact, Commitment, MilestoneStatus, PlanStatus, RecordKind,
    Withdrawal,
};
use app::i18n::Key;
use app::input::{CommitmentInput, WithdrawalInput};
use app::policy;
use app::storage::{
    self, ChangeRecorder, Conn, Db, MilestoneState, NewEntry, StorageError, StoredCommitmentRecord,
};

/// Adds a commitment to plan `key`; answers it as stored. A plan that has ended takes no
/// new commitments.
pub async fn add(
    db: &Db,
    actor: &Actor,
    key: &str,
    input: &CommitmentInput,
) -> Result<Commitment, AppError> {
    let mut tx = db.begin().await?;
    let (plan_id, member_id, plan) = storage::stored_plan(&mut tx, key)
        .await?
        .ok_or(AppError::NotFound)?;
    actor.authorize(|viewer| policy::may_keep_plans(viewer, &plan.member_code))?;
    if plan.status == PlanStatus::Completed {
        return Err(AppError::conflict(
            CommitmentInput::title,
            Key::ErrPlanEnded,
        ));
    }
    let prefix = storage::member_prefix(&mut tx, member_id).await?;
    let commitment = input.validate(&prefix, None)?.into_new(&plan.key);
    refuse_taken_code(&mut tx, &commitment.code).await?;
    let public = actor.for_member(&plan.member_code);
    let mut history = ChangeRecorder::new(actor.change(storage::now(), public));
    insert(&mut tx, &mut history, plan_id, &commitment).await?;
    tx.commit().await?;
    Ok(commitment)
}

/// Refuses a code another commitment has.
async fn refuse_taken_code(conn: &mut dyn Conn, code: &str) -> Result<(), AppError> {
    match storage::stored_commitment(conn, code).await? {
        Some(_) => Err(AppError::conflict(
            CommitmentInput::code,
            Key::ErrCommitmentCodeTaken,
        )),
        None => Ok(()),
    }
}

/// The commitment `code` with its plan; `NotFound` without either.
pub(crate) async fn with_plan(
    conn: &mut dyn Conn,
    code: &str,
) -> Result<(StoredCommitmentRecord, ActionPlan), AppError> {
    let stored = storage::stored_commitment(conn, code)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, _, plan) = storage::stored_plan(conn, &stored.commitment.plan_key)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((stored, plan))
}

/// The commitment `code` with its plan, for reporting on it: refused unless the actor may
/// report on it (the member's points of contact, limited to the lead institution when
/// their grant names one, and admins).
pub(crate) async fn for_reporting(
    conn: &mut dyn Conn,
    actor: &Actor,
    code: &str,
) -> Result<(StoredCommitmentRecord, ActionPlan), AppError> {
    let (stored, plan) = with_plan(conn, code).await?;
    let lead = stored.commitment.lead_institution.as_deref();
    actor.authorize(|viewer| policy::may_update_milestone(viewer, &plan.member_code, lead))?;
    Ok((stored, plan))
}

/// Inserts a commitment of the plan `plan_id`, with its history; answers its id.
pub(crate) async fn insert(
    conn: &mut dyn Conn,
    history: &mut ChangeRecorder,
    plan_id: i64,
    commitment: &Commitment,
) -> Result<i64, AppError> {
    let id = match storage::insert_commitment(conn, commitment, plan_id, &[]).await {
        Ok(id) => id,
        // Checked by the callers; a commitment added at the same moment can still take it.
        Err(error) if error.is_unique_violation() => {
            return Err(AppError::conflict(
                CommitmentInput::code,
                Key::ErrCommitmentCodeTaken,
            ))
        }
        Err(error) => return Err(error.into()),
    };
    let created = NewEntry::created(
        RecordKind::Commitment,
        id,
        Some(id),
        None,
        &commitment.title,
    );
    history.record(conn, &[created]).await?;
    Ok(id)
}

/// The commitment `code` with its plan, for a change: refused unless the actor keeps the
/// member's plans, and as stale unless the form saw `version`.
async fn for_change(
    conn: &mut dyn Conn,
    actor: &Actor,
    code: &str,
    version: Result<i64, AppError>,
) -> Result<(StoredCommitmentRecord, ActionPlan, i64), AppError> {
    let stored = storage::stored_commitment(conn, code)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, member_id, plan) = storage::stored_plan(conn, &stored.commitment.plan_key)
        .await?
        .ok_or(AppError::NotFound)?;
    actor.authorize(|viewer| policy::may_keep_plans(viewer, &plan.member_code))?;
    // An outdated form is refused as such before its fields are judged, so mending a
    // field can never overwrite the newer change.
    if version? != stored.version {
        return Err(AppError::Stale);
    }
    Ok((stored, plan, member_id))
}

/// Edits the commitment `code` as the form rendered from `input.version` saw it. Its code
/// changes only while the plan is a draft (once published, others cite it); an imported
/// commitment keeps the IRM's fields. Answers it as stored.
pub async fn edit(
    db: &Db,
    actor: &Actor,
    code: &str,
    input: &CommitmentInput,
) -> Result<Commitment, AppError> {
    let mut tx = db.begin().await?;
    let (stored, plan, member_id) = for_change(&mut tx, actor, code, input.base_version()).await?;
    let before = &stored.commitment;
    if before.withdrawal.is_some() {
        return Err(AppError::conflict(
            CommitmentInput::title,
            Key::ErrCommitmentWithdrawn,
        ));
    }
    let prefix = storage::member_prefix(&mut tx, member_id).await?;
    let after = input.validate(&prefix, Some(before))?.apply_to(before);
    if after == *before {
        return Ok(after);
    }
    if after.code != before.code {
        if plan.status != PlanStatus::Draft {
            return Err(AppError::conflict(
                CommitmentInput::code,
                Key::ErrCommitmentCodeFixed,
            ));
        }
        refuse_taken_code(&mut tx, &after.code).await?;
    }
    let public = actor.for_member(&plan.member_code);
    let mut history = ChangeRecorder::new(actor.change(storage::now(), public));
    update(&mut tx, actor, &mut history, &stored, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Withdraws the commitment `code` today, with the reason given. It is kept and shown as
/// withdrawn; its milestones still open are withdrawn with it, so none of them shows as
/// overdue. A withdrawal is not undone.
pub async fn withdraw(
    db: &Db,
    actor: &Actor,
    code: &str,
    input: &WithdrawalInput,
) -> Result<Commitment, AppError> {
    let mut tx = db.begin().await?;
    let version = input.validate().map(|(_, version)| version);
    let (stored, plan, _) = for_change(&mut tx, actor, code, version).await?;
    let (reason, _) = input.validate()?;
    if stored.commitment.withdrawal.is_some() {
        return Err(AppError::conflict(
            WithdrawalInput::reason,
            Key::ErrCommitmentWithdrawn,
        ));
    }
    let now = storage::now();
    let after = Commitment {
        withdrawal: Some(Withdrawal {
            on: now.date_naive(),
            reason,
        }),
        ..stored.commitment.clone()
    };
    let public = actor.for_member(&plan.member_code);
    let mut history = ChangeRecorder::new(actor.change(now, public));
    update(&mut tx, actor, &mut history, &stored, &after).await?;
    for milestone in storage::milestones_of(&mut tx, stored.id).await? {
        if matches!(
            milestone.status,
            MilestoneStatus::Completed | MilestoneStatus::Withdrawn
        ) {
            continue;
        }
        let state = MilestoneState {
            status: MilestoneStatus::Withdrawn,
            progress: milestone.progress,
            completed_on: None,
        };
        if !storage::set_milestone_state(&mut tx, milestone.id, milestone.version, &state).await? {
            return Err(AppError::Stale);
        }
        let mut withdrawn = milestone.clone();
        withdrawn.status = MilestoneStatus::Withdrawn;
        let entries = NewEntry::changes(
            RecordKind::Milestone,
            milestone.id,
            Some(stored.id),
            Some(milestone.id),
            &milestone.history_values(),
            &withdrawn.history_values(),
        );
        history.record(&mut tx, &entries).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// Writes `after` over `stored` if it is still at its version, with its history (and an
/// audit line when the lead institution, which decides who may report, changes).
pub(crate) async fn update(
    conn: &mut dyn Conn,
    actor: &Actor,
    history: &mut ChangeRecorder,
    stored: &StoredCommitmentRecord,
    after: &Commitment,
) -> Result<(), AppError> {
    let saved = match storage::update_commitment(
        conn,
        stored.id,
        after,
        &stored.raw_values,
        Some(stored.version),
    )
    .await
    {
        Ok(saved) => saved,
        Err(error) if error.is_unique_violation() => {
            return Err(AppError::conflict(
                CommitmentInput::code,
                Key::ErrCommitmentCodeTaken,
            ))
        }
        Err(error) => return Err(error.into()),
    };
    if !saved {
        return Err(AppError::Stale);
    }
    audit_lead_change(conn, actor, &stored.commitment, after).await?;
    let entries = NewEntry::changes(
        RecordKind::Commitment,
        stored.id,
        Some(stored.id),
        None,
        &stored.commitment.history_values(),
        &after.history_values(),
    );
    history.record(conn, &entries).await?;
    Ok(())
}

/// The lead institution decides which points of contact may report on a commitment: a
/// change of it is a change of who may write, so it is audited.
pub async fn audit_lead_change(
    conn: &mut dyn Conn,
    actor: &Actor,
    before: &Commitment,
    after: &Commitment,
) -> Result<(), StorageError> {
    if before.lead_institution == after.lead_institution {
        return Ok(());
    }
    let facts = vec![
        (AuditFact::Commitment, after.code.clone()),
        (
            AuditFact::Previous,
            before.lead_institution.clone().unwrap_or_default(),
        ),
        (
            AuditFact::Institution,
            after.lead_institution.clone().unwrap_or_default(),
        ),
    ];
    actor
        .audit(conn, AuditAction::LeadInstitutionChanged, None, facts)
        .await
}
