//! Files the site hands out: a plan as CSV, to edit in a spreadsheet and upload again;
//! evidence files; the figures behind each chart.

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
            let disposition = HeaderValue::from_str(&crate::files::disposition(
                &format!("{key}.csv"),
                "text/csv",
            ))
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

/// `GET /files/{id}/{name}`: an evidence file, as it was uploaded. A PDF or an image is
/// shown, anything else downloaded; either way under a policy that runs nothing, and
/// never sniffed into another type. The name in the address is only for the reader.
pub async fn evidence_file(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    Path((id, _name)): Path<(String, String)>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return info.refuse(StatusCode::NOT_FOUND, app::i18n::Key::ErrNotFound);
    };
    let found = match state.db.acquire().await {
        Ok(mut conn) => app::storage::evidence_file(&mut conn, id).await,
        Err(error) => Err(error),
    };
    match found {
        Ok(Some((name, media_type, content))) => {
            let header_value = |value: String| {
                HeaderValue::from_str(&value)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
            };
            (
                [
                    (header::CONTENT_TYPE, header_value(media_type.clone())),
                    (
                        header::CONTENT_DISPOSITION,
                        header_value(crate::files::disposition(&name, &media_type)),
                    ),
                    (
                        header::CONTENT_SECURITY_POLICY,
                        HeaderValue::from_static(crate::files::FILE_CSP),
                    ),
                    // Evidence never changes once published.
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("public, max-age=86400, immutable"),
                    ),
                ],
                content,
            )
                .into_response()
        }
        Ok(None) => info.refuse(StatusCode::NOT_FOUND, app::i18n::Key::ErrNotFound),
        Err(error) => {
            tracing::error!(%error, "cannot read an evidence file");
            info.refuse(StatusCode::INTERNAL_SERVER_ERROR, app::i18n::Key::ErrorText)
        }
    }
}

/// The routes of the charts' CSV files: beside the page of each scope with a dashboard.
pub fn chart_routes() -> axum::Router<AppState> {
    use app::domain::Scope;
    use axum::routing::get;
    type Info = Extension<RequestInfo>;
    let mut router = axum::Router::new().route(
        "/charts/{file}",
        get(|state: State<AppState>, info: Info, Path(file)| {
            chart_csv(state, info, Some(Scope::All), file)
        }),
    );
    for kind in Scope::DASHBOARD_PAGES {
        router = router.route(
            &format!("/{kind}/{{key}}/charts/{{file}}"),
            get(
                move |state: State<AppState>,
                      info: Info,
                      Path((key, file)): Path<(String, String)>| {
                    chart_csv(state, info, Scope::from_page(kind, &key), file)
                },
            ),
        );
    }
    router
}

/// `GET .../charts/{chart}.csv`: the figures one chart of a dashboard draws, exactly, with
/// its labels in the reader's language. Public, like the dashboards.
async fn chart_csv(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    scope: Option<app::domain::Scope>,
    file: String,
) -> Response {
    let (Some(scope), Some(id)) = (
        scope,
        file.strip_suffix(".csv")
            .and_then(app::domain::ChartId::from_name),
    ) else {
        return info.refuse(StatusCode::NOT_FOUND, app::i18n::Key::ErrNotFound);
    };
    let today = app::storage::now().date_naive();
    let dashboard =
        app::storage::kept_dashboard(&state.db, &Default::default(), &scope, today).await;
    let chart = match dashboard {
        Ok(Some(dashboard)) => dashboard.chart(id).cloned(),
        Ok(None) => None,
        Err(error) => {
            tracing::error!(%error, "cannot write a chart's CSV");
            return info.refuse(StatusCode::INTERNAL_SERVER_ERROR, app::i18n::Key::ErrorText);
        }
    };
    let Some(chart) = chart else {
        return info.refuse(StatusCode::NOT_FOUND, app::i18n::Key::ErrNotFound);
    };
    let text = app::i18n::in_language(info.lang, || chart.csv(app::charts::bar_label));
    let disposition = HeaderValue::from_str(&crate::files::disposition(&file, "text/csv"))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::VARY,
                HeaderValue::from_static("Accept-Language, Cookie"),
            ),
        ],
        text,
    )
        .into_response()
}
