//! Link previews: a member's or a plan's headline chart (`Dashboard::headline`) drawn to PNG, for the `og:image` of its page, since chat apps and social sites show no
//! SVG. Drawn from the same SVG the page shows, in the reader's language, with the fonts
//! the server carries (DejaVu Sans, which has Arabic).

use crate::http::AppState;
use crate::security::RequestInfo;
use app::domain::Scope;
use app::i18n::Lang;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use resvg::{tiny_skia, usvg};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

pub fn routes() -> axum::Router<AppState> {
    let mut router = axum::Router::new();
    for kind in Scope::PREVIEWED {
        router = router.route(
            &format!("/{kind}/{{key}}/{}", app::domain::PREVIEW_FILE),
            axum::routing::get(
                move |state: State<AppState>,
                      info: Extension<RequestInfo>,
                      Path(key): Path<String>| {
                    preview(state, info, Scope::from_page(kind, &key))
                },
            ),
        );
    }
    router
}

/// The fonts, read once.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut fonts = usvg::fontdb::Database::new();
            fonts.load_font_data(include_bytes!("../assets/fonts/DejaVuSans.ttf").to_vec());
            fonts.load_font_data(include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf").to_vec());
            fonts.set_sans_serif_family("DejaVu Sans");
            Arc::new(fonts)
        })
        .clone()
}

/// `svg` drawn to PNG at its own size.
pub fn png(svg: &str) -> Result<Vec<u8>, String> {
    let options = usvg::Options {
        fontdb: fonts(),
        ..Default::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| "an empty image".to_string())?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| e.to_string())
}

/// Previews drawn, kept until the next write or the next day, at most [`KEPT_PREVIEWS`]:
/// each costs tens of milliseconds of CPU to draw, and link previews are asked for in bursts
/// (a link pasted in a busy chat).
#[derive(Default)]
pub struct KeptPreviews(std::sync::Mutex<Option<Kept>>);

struct Kept {
    version: i64,
    day: chrono::NaiveDate,
    images: HashMap<(String, Lang), Bytes>,
}

const KEPT_PREVIEWS: usize = 256;

impl std::fmt::Debug for KeptPreviews {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeptPreviews")
    }
}

impl KeptPreviews {
    fn get(&self, version: i64, day: chrono::NaiveDate, key: &(String, Lang)) -> Option<Bytes> {
        let kept = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        kept.as_ref()
            .filter(|k| k.version == version && k.day == day)
            .and_then(|k| k.images.get(key).cloned())
    }

    fn keep(&self, version: i64, day: chrono::NaiveDate, key: (String, Lang), image: Bytes) {
        let mut kept = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let current = kept
            .as_ref()
            .is_some_and(|k| k.version == version && k.day == day);
        if !current {
            *kept = Some(Kept {
                version,
                day,
                images: HashMap::new(),
            });
        }
        if let Some(k) = kept.as_mut() {
            // Once full, no more until the next write: made-up addresses drive nothing out.
            if k.images.len() < KEPT_PREVIEWS {
                k.images.insert(key, image);
            }
        }
    }
}

/// Previews drawn at once; others wait up to [`DRAW_WAIT`], then are answered 503, so a
/// burst of new ones cannot take every core.
static DRAWING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
const DRAW_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// `GET /members/{slug}/preview.png`, `/plans/{key}/preview.png`.
async fn preview(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    scope: Option<Scope>,
) -> Response {
    let Some(scope) = scope else {
        return info.refuse(StatusCode::NOT_FOUND, app::i18n::Key::ErrNotFound);
    };
    match drawn(&state, &info, scope).await {
        Ok(Some(image)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=3600"),
                ),
                (
                    header::VARY,
                    HeaderValue::from_static("Accept-Language, Cookie"),
                ),
            ],
            image,
        )
            .into_response(),
        Ok(None) => info.refuse(StatusCode::NOT_FOUND, app::i18n::Key::ErrNotFound),
        Err(Refused::Busy) => {
            let mut refused = info.refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                app::i18n::Key::ErrServerBusy,
            );
            refused.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(app::error::UNAVAILABLE_RETRY_SECONDS),
            );
            refused
        }
        Err(Refused::Failed(error)) => {
            tracing::error!(%error, "cannot draw a link preview");
            info.refuse(StatusCode::INTERNAL_SERVER_ERROR, app::i18n::Key::ErrorText)
        }
    }
}

enum Refused {
    Busy,
    Failed(String),
}

impl From<app::storage::StorageError> for Refused {
    fn from(error: app::storage::StorageError) -> Refused {
        Refused::Failed(error.to_string())
    }
}

/// The scope's preview in the reader's language, kept or drawn; `None` when the scope names
/// nothing.
async fn drawn(
    state: &AppState,
    info: &RequestInfo,
    scope: Scope,
) -> Result<Option<Bytes>, Refused> {
    let today = app::storage::now().date_naive();
    let key = (scope.page_path(), info.lang);
    // The connection goes back before the dashboard, which takes its own.
    let (version, name) = {
        let mut conn = state.db.acquire().await?;
        let version = app::storage::site_version(&mut conn).await?;
        if let Some(image) = state.previews.get(version, today, &key) {
            return Ok(Some(image));
        }
        (version, app::storage::scope_name(&mut conn, &scope).await?)
    };
    let Some(name) = name else {
        return Ok(None);
    };
    let Some(dashboard) =
        app::storage::kept_dashboard(&state.db, &Default::default(), &scope, today).await?
    else {
        return Ok(None);
    };
    let Some(chart) = dashboard.headline().cloned() else {
        return Ok(None);
    };
    let svg = app::i18n::in_language(info.lang, || {
        app::charts::preview_svg(
            &app::components::scope_text(&name),
            &chart,
            info.lang.is_rtl(),
        )
    });
    let Ok(Ok(_permit)) = tokio::time::timeout(DRAW_WAIT, DRAWING.acquire()).await else {
        return Err(Refused::Busy);
    };
    // Drawing takes the CPU for some milliseconds: not on the threads answering requests.
    let image = tokio::task::spawn_blocking(move || png(&svg))
        .await
        .map_err(|e| Refused::Failed(e.to_string()))?
        .map_err(Refused::Failed)?;
    let image = Bytes::from(image);
    state.previews.keep(version, today, key, image.clone());
    Ok(Some(image))
}
