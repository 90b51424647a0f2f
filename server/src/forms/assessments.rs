//! Independent scoring: drafts created, saved, published, revised and deleted.

use super::{Ctx, Input};
use crate::commands::assessments;
use app::i18n::Key;
use app::input::AssessmentInput;
use app::page_state::Notice;
use axum::extract::Path;
use axum::response::Response;

pub async fn create(
    ctx: Ctx,
    Path(code): Path<String>,
    Input(input): Input<AssessmentInput>,
) -> Response {
    match assessments::create_draft(&ctx.state.db, &ctx.actor(), &code, &input).await {
        Ok(draft) => ctx.done(
            &format!("/assessments/{}", draft.id),
            Notice::success(Key::NoticeDraftSaved),
        ),
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}

pub async fn save(ctx: Ctx, Path(id): Path<i64>, Input(input): Input<AssessmentInput>) -> Response {
    match assessments::save_draft(&ctx.state.db, &ctx.actor(), id, &input).await {
        Ok(draft) => ctx.done(
            &format!("/assessments/{}", draft.id),
            Notice::success(Key::NoticeDraftSaved),
        ),
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}

pub async fn publish(
    ctx: Ctx,
    Path(id): Path<i64>,
    Input(input): Input<AssessmentInput>,
) -> Response {
    match assessments::publish(&ctx.state.db, &ctx.actor(), id, &input).await {
        Ok(published) => ctx.done(
            &format!("/assessments/{}", published.id),
            Notice::success(Key::NoticeAssessmentPublished),
        ),
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}

pub async fn revise(ctx: Ctx, Path(id): Path<i64>) -> Response {
    match assessments::new_version(&ctx.state.db, &ctx.actor(), id).await {
        Ok(draft) => ctx.done(
            &format!("/assessments/{}", draft.id),
            Notice::success(Key::NoticeNewVersionStarted),
        ),
        Err(error) => ctx.fail(error, Vec::new()).await,
    }
}

pub async fn delete(
    ctx: Ctx,
    Path(id): Path<i64>,
    Input(input): Input<AssessmentInput>,
) -> Response {
    match assessments::delete_draft(&ctx.state.db, &ctx.actor(), id, &input).await {
        Ok(code) => ctx.done(
            &format!("/commitments/{code}/assessments"),
            Notice::success(Key::NoticeDraftDeleted),
        ),
        Err(error) => ctx.fail(error, Vec::new()).await,
    }
}
