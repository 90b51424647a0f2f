//! Milestones: added, edited, moved, and reported on.

use super::{Ctx, FormWithFiles, Input, RecordId};
use crate::commands::milestones;
use app::i18n::Key;
use app::input::{MilestoneInput, MilestoneUpdateInput, MoveInput};
use app::page_state::Notice;
use axum::extract::Path;
use axum::response::Response;

/// Where a commitment's milestones are kept.
fn kept_at(code: &str) -> String {
    format!("/commitments/{code}/milestones")
}

pub async fn add(
    ctx: Ctx,
    Path(code): Path<String>,
    Input(input): Input<MilestoneInput>,
) -> Response {
    match milestones::add(&ctx.state.db, &ctx.actor(), &code, &input).await {
        Ok(_) => ctx.done(&kept_at(&code), Notice::success(Key::NoticeMilestoneAdded)),
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}

pub async fn edit(
    ctx: Ctx,
    RecordId(id): RecordId,
    Input(input): Input<MilestoneInput>,
) -> Response {
    match milestones::edit(&ctx.state.db, &ctx.actor(), id, &input).await {
        Ok(code) => ctx.done(&kept_at(&code), Notice::success(Key::NoticeMilestoneSaved)),
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}

pub async fn move_milestone(
    ctx: Ctx,
    RecordId(id): RecordId,
    Input(input): Input<MoveInput>,
) -> Response {
    match milestones::move_milestone(&ctx.state.db, &ctx.actor(), id, &input).await {
        Ok(code) => ctx.done(&kept_at(&code), Notice::success(Key::NoticeMilestoneMoved)),
        Err(error) => ctx.fail(error, Vec::new()).await,
    }
}

pub async fn post_update(
    ctx: Ctx,
    RecordId(milestone_id): RecordId,
    form: FormWithFiles<MilestoneUpdateInput>,
) -> Response {
    let FormWithFiles { input, files } = form;
    match milestones::post_update(&ctx.state.db, &ctx.actor(), milestone_id, &input, files).await {
        Ok(posted) => ctx.done(
            &format!(
                "/commitments/{}#milestone-{milestone_id}",
                posted.commitment_code
            ),
            Notice::success(Key::NoticeUpdateSaved),
        ),
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}
