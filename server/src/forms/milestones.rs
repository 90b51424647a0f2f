//! Progress updates on milestones.

use super::{Ctx, Input, RecordId};
use crate::commands::{milestones, AppError};
use app::i18n::Key;
use app::input::MilestoneUpdateInput;
use app::page_state::Notice;
use axum::response::Response;

pub async fn post_update(
    ctx: Ctx,
    RecordId(milestone_id): RecordId,
    Input(input): Input<MilestoneUpdateInput>,
) -> Response {
    match milestones::post_update(&ctx.state.db, &ctx.actor(), milestone_id, &input).await {
        Ok(posted) => ctx.done(
            &format!(
                "/commitments/{}#milestone-{milestone_id}",
                posted.commitment_code
            ),
            Notice::success(Key::NoticeUpdateSaved),
        ),
        // A refilled form keeps the version it was made from, so a change that came in
        // between is still noticed; after a stale edit it takes the current one.
        Err(error) => {
            let mut values = input.fields();
            if error == AppError::Stale {
                values.retain(|(name, _)| name != MilestoneUpdateInput::version);
            }
            ctx.fail(error, values).await
        }
    }
}
