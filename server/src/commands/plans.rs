//! Action plans: a member's points of contact (or an admin) create them, as drafts. Each
//! creation is public history.

use super::{Actor, AppError};
use app::domain::{ActionPlan, RecordKind};
use app::i18n::Key;
use app::input::{PlanInput, PlanStatusInput};
use app::policy;
use app::storage::{self, ChangeRecorder, Conn, Db, NewEntry};

/// The code of the member whose page is at `slug`.
pub async fn member_code_of(db: &Db, slug: &str) -> Result<String, AppError> {
    storage::member_by_slug(&mut db.acquire().await?, slug)
        .await?
        .map(|member| member.code)
        .ok_or(AppError::NotFound)
}

/// Moves the plan `key` on to its next status (draft → in implementation → ended); any
/// other step is refused. Answers the plan as stored.
pub async fn set_status(
    db: &Db,
    actor: &Actor,
    key: &str,
    input: &PlanStatusInput,
) -> Result<ActionPlan, AppError> {
    let target = input.validate()?;
    let mut tx = db.begin().await?;
    let (id, member_id, stored) = storage::stored_plan(&mut tx, key)
        .await?
        .ok_or(AppError::NotFound)?;
    actor.authorize(|viewer| policy::may_keep_plans(viewer, &stored.member_code))?;
    if stored.status.next() != Some(target) {
        return Err(AppError::conflict(
            PlanStatusInput::status,
            Key::ErrPlanStatusStep,
        ));
    }
    let after = ActionPlan {
        status: target,
        ..stored.clone()
    };
    save(&mut tx, actor, (id, member_id), &stored, &after, None).await?;
    tx.commit().await?;
    Ok(after)
}

/// Writes `after` over the plan `stored` (ids `(id, member_id)`), at `expected_version` if
/// one is given, with its history.
async fn save(
    conn: &mut dyn Conn,
    actor: &Actor,
    (id, member_id): (i64, i64),
    stored: &ActionPlan,
    after: &ActionPlan,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    if !storage::update_plan(conn, id, member_id, after, expected_version).await? {
        return Err(AppError::Stale);
    }
    let public = actor.for_member(&stored.member_code);
    let mut history = ChangeRecorder::new(actor.change(storage::now(), public));
    let entries = NewEntry::changes(
        RecordKind::Plan,
        id,
        None,
        None,
        &stored.history_values(),
        &after.history_values(),
    );
    history.record(conn, &entries).await?;
    Ok(())
}

/// Creates a draft plan of the member `member_code`; answers it as stored.
pub async fn create(
    db: &Db,
    actor: &Actor,
    member_code: &str,
    input: &PlanInput,
) -> Result<ActionPlan, AppError> {
    let member_code = member_code.trim().to_uppercase();
    actor.authorize(|viewer| policy::may_keep_plans(viewer, &member_code))?;
    let plan = input.validate(&member_code)?;
    let mut tx = db.begin().await?;
    let member_id = storage::member_id_by_code(&mut tx, &member_code)
        .await?
        .ok_or(AppError::NotFound)?;
    let taken = || AppError::conflict(PlanInput::number, Key::ErrPlanNumberTaken);
    if storage::stored_plan(&mut tx, &plan.key).await?.is_some() {
        return Err(taken());
    }
    let id = match storage::insert_plan(&mut tx, &plan, member_id).await {
        Ok(id) => id,
        // Checked above; a plan created at the same moment can still take the number.
        Err(error) if error.is_unique_violation() => return Err(taken()),
        Err(error) => return Err(error.into()),
    };
    let public = actor.for_member(&member_code);
    let mut history = ChangeRecorder::new(actor.change(storage::now(), public));
    let label = plan.title.clone().unwrap_or_else(|| plan.key.clone());
    let created = NewEntry::created(RecordKind::Plan, id, None, None, &label);
    history.record(&mut tx, &[created]).await?;
    tx.commit().await?;
    Ok(plan)
}

/// Edits the plan `key`'s title, dates and document link as the form rendered from
/// `input.version` saw it; its number (its key is made of it) and status stay. Answers the
/// plan as stored.
pub async fn edit(
    db: &Db,
    actor: &Actor,
    key: &str,
    input: &PlanInput,
) -> Result<ActionPlan, AppError> {
    let mut tx = db.begin().await?;
    let (id, member_id, stored) = storage::stored_plan(&mut tx, key)
        .await?
        .ok_or(AppError::NotFound)?;
    actor.authorize(|viewer| policy::may_keep_plans(viewer, &stored.member_code))?;
    // An outdated form is refused as such before its fields are judged.
    let version = input.base_version()?;
    if version != storage::plan_version(&mut tx, id).await? {
        return Err(AppError::Stale);
    }
    let after = input.validate_edit(&stored)?;
    if after == stored {
        return Ok(after);
    }
    save(
        &mut tx,
        actor,
        (id, member_id),
        &stored,
        &after,
        Some(version),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
