//! Link previews: a member's or a plan's headline chart (`Dashboard::headline`) drawn to PNG, for the `og:image` of its page, since chat apps and social sites show no
//! SVG. Drawn from the same SVG the page shows, in the reader's language, with the fonts
//! the server carries (DejaVu Sans, which has Arabic).

use crate::http::AppState;
use crate::security::RequestInfo;
use app::domain::Scope;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use resvg::{tiny_skia, usvg};
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

/// `GET /members/{slug}/preview.png`, `/plans/{key}/preview.png`.
async fn preview(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    scope: Option<Scope>,
) -> Response {
    let Some(scope) = scope else {
        return info.refuse(StatusCode::NOT_FOUND, app::i18n::Key::ErrNotFound);
    };
    let today = app::storage::now().date_naive();
    let read = async {
        // The connection goes back before the dashboard, which takes its own.
        let name = {
            let mut conn = state.db.acquire().await?;
            app::storage::scope_name(&mut conn, &scope).await?
        };
        let dashboard = app::storage::kept_dashboard(&state.db, &scope, today).await?;
        Ok::<_, app::storage::StorageError>(name.zip(dashboard))
    };
    let (name, chart) = match read.await {
        Ok(Some((name, dashboard))) => match dashboard.headline() {
            Some(chart) => (name, chart.clone()),
            None => return info.refuse(StatusCode::NOT_FOUND, app::i18n::Key::ErrNotFound),
        },
        Ok(None) => return info.refuse(StatusCode::NOT_FOUND, app::i18n::Key::ErrNotFound),
        Err(error) => {
            tracing::error!(%error, "cannot read a link preview's figures");
            return info.refuse(StatusCode::INTERNAL_SERVER_ERROR, app::i18n::Key::ErrorText);
        }
    };
    let svg = app::i18n::in_language(info.lang, || {
        app::charts::preview_svg(
            &app::components::scope_text(&name),
            &chart,
            info.lang.is_rtl(),
        )
    });
    // Drawing takes the CPU for some milliseconds: not on the threads answering requests.
    let drawn = tokio::task::spawn_blocking(move || png(&svg)).await;
    match drawn {
        Ok(Ok(image)) => (
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
        Ok(Err(error)) => {
            tracing::error!(%error, "cannot draw a link preview");
            info.refuse(StatusCode::INTERNAL_SERVER_ERROR, app::i18n::Key::ErrorText)
        }
        Err(error) => {
            tracing::error!(%error, "cannot draw a link preview");
            info.refuse(StatusCode::INTERNAL_SERVER_ERROR, app::i18n::Key::ErrorText)
        }
    }
}
