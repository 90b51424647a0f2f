//! Action plans.

use super::{Ctx, Input};
use crate::commands::{plan_csv, plans};
use crate::multipart;
use app::domain::RowKind;
use app::i18n::Key;
use app::input::{PlanInput, PlanStatusInput};
use app::page_state::Notice;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
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

/// An uploaded plan file: sent as a file (`file`), or as the text the preview's confirm
/// form carries (`csv`, with `file_name` and `apply`).
struct UploadForm {
    file_name: String,
    bytes: Vec<u8>,
    apply: bool,
}

async fn upload_form(headers: &HeaderMap, body: Bytes) -> Option<UploadForm> {
    let fields: Vec<(String, Option<String>, Vec<u8>)> = if multipart::is_multipart(headers) {
        multipart::parts(headers, body)
            .await?
            .into_iter()
            .map(|part| (part.name, part.file_name, part.bytes.to_vec()))
            .collect()
    } else {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
            .ok()?
            .into_iter()
            .map(|(name, value)| (name, None, value.into_bytes()))
            .collect()
    };
    let mut form = UploadForm {
        file_name: String::new(),
        bytes: Vec::new(),
        apply: false,
    };
    for (name, file_name, bytes) in fields {
        match name.as_str() {
            "file" => {
                form.file_name = file_name.unwrap_or_default();
                form.bytes = bytes;
            }
            "csv" => form.bytes = bytes,
            "file_name" => form.file_name = String::from_utf8_lossy(&bytes).into_owned(),
            "apply" => form.apply = bytes == b"yes",
            _ => {}
        }
    }
    // Only the name is kept, never a path the browser may send with it.
    form.file_name = form
        .file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    Some(form)
}

/// A plan file: previewed row by row, or applied when the preview's confirm form says so
/// and no row is refused.
pub async fn upload(
    ctx: Ctx,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(form) = upload_form(&headers, body).await else {
        return ctx
            .fail(
                app::error::AppError::invalid("file", Key::ErrCsvUnreadable),
                Vec::new(),
            )
            .await;
    };
    let preview = match plan_csv::upload(
        &ctx.state.db,
        &ctx.actor(),
        &key,
        &form.file_name,
        &form.bytes,
        form.apply,
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
    state.notice = Some(match (preview.refused(), form.apply) {
        (true, _) => Notice::error(Key::NoticeUploadRefused, Some("file")),
        (false, true) => Notice::success(Key::NoticeUploadNothing),
        (false, false) => Notice::success(Key::NoticeUploadPreview),
    });
    state.form_values = vec![
        (
            "csv".to_string(),
            String::from_utf8_lossy(&form.bytes).into_owned(),
        ),
        ("file_name".to_string(), form.file_name),
    ];
    state.upload_preview = Some(preview);
    ctx.render(state, status).await
}
