//! Progress updates on milestones.

use super::{Ctx, Input, RecordId};
use crate::commands::milestones;
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
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}
