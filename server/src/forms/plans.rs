//! Action plans.

use super::{Ctx, FormWithFiles, Input};
use crate::commands::plan_csv::{self, Apply};
use crate::commands::plans;
use app::domain::RowKind;
use app::i18n::Key;
use app::input::{PlanInput, PlanStatusInput, PlanUploadInput};
use app::page_state::Notice;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

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

pub async fn edit(ctx: Ctx, Path(key): Path<String>, Input(input): Input<PlanInput>) -> Response {
    match plans::edit(&ctx.state.db, &ctx.actor(), &key, &input).await {
        Ok(plan) => ctx.done(
            &format!("/plans/{}", plan.key),
            Notice::success(Key::NoticePlanSaved),
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

/// A plan file: previewed row by row, or applied when the preview's confirm form says so,
/// the plan is still as that preview saw it, and no row is refused.
pub async fn upload(
    ctx: Ctx,
    Path(key): Path<String>,
    form: FormWithFiles<PlanUploadInput>,
) -> Response {
    let FormWithFiles { input, files } = form;
    let (file_name, bytes) = match files.into_iter().find(|f| !f.bytes.is_empty()) {
        Some(file) => (file.name, file.bytes),
        None => (input.file_name.clone(), input.csv.clone().into_bytes()),
    };
    // Only the name is kept, never a path a browser may send with it.
    let file_name = crate::files::clean_name(&file_name).unwrap_or_else(|| format!("{key}.csv"));
    let apply = if input.apply == "yes" {
        Apply::IfStill(input.state.clone())
    } else {
        Apply::No
    };
    let applying = apply != Apply::No;
    let preview = match plan_csv::upload(
        &ctx.state.db,
        &ctx.actor(),
        &key,
        &file_name,
        &bytes,
        apply,
    )
    .await
    {
        Ok(preview) => preview,
        Err(error) => return ctx.fail(error, Vec::new()).await,
    };
    let status = if preview.refused() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    if preview.applied {
        let notice = Notice::success(Key::NoticeUploadApplied)
            .with("new", preview.count(RowKind::New).to_string())
            .with("changed", preview.count(RowKind::Changed).to_string());
        return ctx.done(&format!("/plans/{key}"), notice);
    }
    if ctx.info.wants_json {
        return (status, axum::Json(preview)).into_response();
    }
    let mut state = ctx.page.clone();
    state.notice = Some(match (preview.refused(), applying) {
        (true, _) => Notice::error(Key::NoticeUploadRefused, Some("files")),
        (false, true) => Notice::success(Key::NoticeUploadNothing),
        (false, false) => Notice::success(Key::NoticeUploadPreview),
    });
    state.form_values = vec![
        (
            PlanUploadInput::csv.to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        ),
        (PlanUploadInput::file_name.to_string(), file_name),
    ];
    state.upload_preview = Some(preview);
    ctx.render(state, status).await
}
