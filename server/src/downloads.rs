//! Files the site hands out: a plan as CSV, to edit in a spreadsheet and upload again.

use crate::commands::{plan_csv, AppError};
use crate::http::AppState;
use crate::security::RequestInfo;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;

/// `GET /plans/{key}/csv`: the plan's commitments and milestones, one row per milestone,
/// as an attachment named after the plan. Public, like the plan page.
pub async fn plan(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    Path(key): Path<String>,
) -> Response {
    let text = match state.db.acquire().await {
        Ok(mut conn) => plan_csv::download(&mut conn, &key).await,
        Err(error) => Err(AppError::from(error)),
    };
    match text {
        Ok(text) => {
            // The key is letters, digits and `_` (it names a stored plan), safe in a header.
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{key}.csv\""))
                .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/csv; charset=utf-8"),
                    ),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                text,
            )
                .into_response()
        }
        Err(AppError::NotFound) => info.refuse(StatusCode::NOT_FOUND, app::i18n::Key::ErrNotFound),
        Err(error) => {
            tracing::error!(%error, "cannot write a plan's CSV");
            info.refuse(StatusCode::INTERNAL_SERVER_ERROR, app::i18n::Key::ErrorText)
        }
    }
}
