//! Progress updates on milestones.

use super::Ctx;
use crate::commands::milestones;
use app::i18n::Key;
use app::input::MilestoneUpdateInput;
use app::page_state::Notice;
use axum::extract::Path;
use axum::response::Response;
use axum::Form;

pub async fn post_update(
    ctx: Ctx,
    Path(milestone_id): Path<i64>,
    Form(input): Form<MilestoneUpdateInput>,
) -> Response {
    match milestones::post_update(&ctx.state.db, &ctx.actor(), milestone_id, &input).await {
        Ok(posted) => ctx.done(
            &format!(
                "/commitments/{}#milestone-{milestone_id}",
                posted.commitment_code
            ),
            Notice::success(Key::NoticeUpdateSaved),
        ),
        // The version is the page's own: a refilled form takes the current one.
        Err(error) => {
            let mut values = input.fields();
            values.retain(|(name, _)| name != MilestoneUpdateInput::version);
            ctx.fail(error, values).await
        }
    }
}
