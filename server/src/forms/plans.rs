//! Action plans.

use super::{Ctx, Input};
use crate::commands::plans;
use app::i18n::Key;
use app::input::{PlanInput, PlanStatusInput};
use app::page_state::Notice;
use axum::extract::Path;
use axum::response::Response;

pub async fn create(
    ctx: Ctx,
    Path(slug): Path<String>,
    Input(input): Input<PlanInput>,
) -> Response {
    let created = match plans::member_code_of(&ctx.state.db, &slug).await {
        Ok(code) => plans::create(&ctx.state.db, &ctx.actor(), &code, &input).await,
        Err(error) => Err(error),
    };
    match created {
        Ok(plan) => ctx.done(
            &format!("/plans/{}", plan.key),
            Notice::success(Key::NoticePlanCreated).with("number", plan.number.to_string()),
        ),
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}

pub async fn set_status(
    ctx: Ctx,
    Path(key): Path<String>,
    Input(input): Input<PlanStatusInput>,
) -> Response {
    match plans::set_status(&ctx.state.db, &ctx.actor(), &key, &input).await {
        Ok(plan) => ctx.done(
            &format!("/plans/{}", plan.key),
            Notice::success(Key::NoticePlanStatus),
        ),
        Err(error) => ctx.fail(error, Vec::new()).await,
    }
}
