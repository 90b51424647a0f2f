//! Commitments of a plan: added, edited and withdrawn.

use super::{Ctx, Input};
use crate::commands::{assessments, commitments};
use app::i18n::Key;
use app::input::{CommitmentInput, SelfAssessmentInput, WithdrawalInput};
use app::page_state::Notice;
use axum::extract::Path;
use axum::response::Response;

pub async fn add(
    ctx: Ctx,
    Path(key): Path<String>,
    Input(input): Input<CommitmentInput>,
) -> Response {
    match commitments::add(&ctx.state.db, &ctx.actor(), &key, &input).await {
        Ok(commitment) => ctx.done(
            &format!("/commitments/{}/edit", commitment.code),
            Notice::success(Key::NoticeCommitmentAdded).with("code", commitment.code),
        ),
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}

pub async fn edit(
    ctx: Ctx,
    Path(code): Path<String>,
    Input(input): Input<CommitmentInput>,
) -> Response {
    match commitments::edit(&ctx.state.db, &ctx.actor(), &code, &input).await {
        Ok(commitment) => ctx.done(
            &format!("/commitments/{}", commitment.code),
            Notice::success(Key::NoticeCommitmentSaved),
        ),
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}

pub async fn withdraw(
    ctx: Ctx,
    Path(code): Path<String>,
    Input(input): Input<WithdrawalInput>,
) -> Response {
    match commitments::withdraw(&ctx.state.db, &ctx.actor(), &code, &input).await {
        Ok(commitment) => ctx.done(
            &format!("/commitments/{}", commitment.code),
            Notice::success(Key::NoticeCommitmentWithdrawn),
        ),
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}

pub async fn self_assess(
    ctx: Ctx,
    Path(code): Path<String>,
    Input(input): Input<SelfAssessmentInput>,
) -> Response {
    match assessments::self_assess(&ctx.state.db, &ctx.actor(), &code, &input).await {
        Ok(_) => ctx.done(
            &format!("/commitments/{code}#self-assessment"),
            Notice::success(Key::NoticeSelfAssessed),
        ),
        Err(error) => ctx.fail(error, input.fields()).await,
    }
}
