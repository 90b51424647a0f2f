//! The HTTP side: the Leptos site, server functions, static assets and the language switch.

use app::i18n::{Lang, LANG_COOKIE};
use app::storage::Db;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{
    generate_route_list, handle_server_fns_with_context, AxumRouteListing, LeptosRoutes,
};
use std::io::Write;
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

#[derive(Clone, Debug)]
pub struct AppState {
    pub options: LeptosOptions,
    pub db: Db,
    /// How many reverse proxies in front of the app are trusted (0: none, the default,
    /// since clients could forge the headers). Behind them the client's address comes
    /// from `X-Forwarded-For` (the entry this many places from the right), HTTPS from
    /// `X-Forwarded-Proto` and the host from `X-Forwarded-Host`.
    pub trusted_proxy_hops: usize,
    /// The site's public address (`https://tracker.example.org`), for the one-time links
    /// shown to admins; else the address the request came to.
    pub public_url: Option<String>,
    /// Requests served at once, how long one may take, and the memory of kept pages: set
    /// with [`AppState::set_limits`], which makes `pages` to match.
    pub(crate) limits: crate::limits::Limits,
    /// Public pages kept rendered (see `page_cache`).
    pub(crate) pages: Arc<crate::page_cache::PageCache>,
    /// Link preview images kept drawn (see `preview`).
    pub(crate) previews: Arc<crate::preview::KeptPreviews>,
    /// The key that signs the notice cookie, read from the database on first use (every
    /// app server shares it).
    notice_key: Arc<tokio::sync::OnceCell<Vec<u8>>>,
    /// The installation's own key, which the ids of its feed entries are made from, read
    /// like `notice_key`.
    installation_key: Arc<tokio::sync::OnceCell<Vec<u8>>>,
}

impl AppState {
    pub fn new(options: LeptosOptions, db: Db) -> AppState {
        let limits = crate::limits::Limits::default();
        AppState {
            options,
            db,
            trusted_proxy_hops: 0,
            public_url: None,
            limits,
            pages: Arc::new(crate::page_cache::PageCache::new(limits.page_cache_bytes)),
            previews: Arc::default(),
            notice_key: Arc::default(),
            installation_key: Arc::default(),
        }
    }

    /// Sets the limits, with a store of kept pages of their size.
    pub fn set_limits(&mut self, limits: crate::limits::Limits) {
        self.pages = Arc::new(crate::page_cache::PageCache::new(limits.page_cache_bytes));
        self.limits = limits;
    }

    /// The key that signs the cookie carrying a notice to the next page.
    pub async fn notice_key(&self) -> Result<&[u8], app::storage::StorageError> {
        self.shared_key(&self.notice_key, "notice_cookie").await
    }

    /// The installation's key: random, made once, kept with its data (so ids made from it
    /// stay the same whatever address the site is reached at).
    pub async fn installation_key(&self) -> Result<&[u8], app::storage::StorageError> {
        self.shared_key(&self.installation_key, "installation")
            .await
    }

    /// The key `name` every app server shares, made at random by the first to ask and read
    /// from the database once per process.
    async fn shared_key<'a>(
        &self,
        cell: &'a tokio::sync::OnceCell<Vec<u8>>,
        name: &str,
    ) -> Result<&'a [u8], app::storage::StorageError> {
        let key = cell
            .get_or_try_init(|| async {
                let mut conn = self.db.acquire().await?;
                let secret =
                    app::storage::server_key(&mut conn, name, &crate::auth::random_token()).await?;
                crate::auth::from_hex(&secret)
                    .ok_or_else(|| app::storage::StorageError::Corrupt("server key".into()))
            })
            .await?;
        Ok(key)
    }

    /// The public address pages may give (see [`app::SiteOrigin`]).
    pub fn site_origin(&self) -> app::SiteOrigin {
        app::SiteOrigin(
            self.public_url
                .as_deref()
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_string(),
        )
    }

    /// `path` as an absolute address: on the public address when one is configured, else
    /// on the one the request came to.
    pub fn absolute_url(&self, info: &crate::security::RequestInfo, path: &str) -> String {
        match &self.public_url {
            Some(base) => format!("{}{path}", base.trim_end_matches('/')),
            None => {
                let scheme = if info.https { "https" } else { "http" };
                format!("{scheme}://{}{path}", info.host)
            }
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.options.clone()
    }
}

/// Leptos options from the environment cargo-leptos sets, with defaults that let the
/// release binary run on its own.
pub fn leptos_options() -> std::io::Result<LeptosOptions> {
    if std::env::var_os("LEPTOS_OUTPUT_NAME").is_none() {
        // Set before the configuration is read, which warns when it is missing.
        std::env::set_var("LEPTOS_OUTPUT_NAME", "ogp-tracker");
    }
    let mut options = leptos::config::get_configuration(None)
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .leptos_options;
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        // cargo-leptos writes the hashes beside the binary it builds.
        let beside_binary = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())));
        options.hash_files = beside_binary.is_some_and(|path| path.exists());
    }
    Ok(options)
}

/// The app's page routes, worked out once per process. Working them out renders the app
/// with resource loading suppressed by a flag Leptos keeps for the whole process, so a page
/// that starts loading its data meanwhile, in any other request, waits forever
/// (leptos-rs/leptos#4773). A server works them out once, before it serves; the tests,
/// which build a router per test while other tests render pages, share this one list.
pub fn route_list() -> &'static [AxumRouteListing] {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App))
}

pub fn router(state: AppState) -> Router {
    let routes = route_list().to_vec();
    let context_db = state.db.clone();
    let origin = state.site_origin();
    let shell_options = state.options.clone();
    let pkg_dir = std::path::Path::new(state.options.site_root.as_ref())
        .join(state.options.site_pkg_dir.as_ref());
    // Asset names carry a content hash, so browsers may keep them for a year.
    let assets = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ))
        .service(
            ServeDir::new(pkg_dir)
                .precompressed_zstd()
                .precompressed_br()
                .precompressed_gzip(),
        );

    let mut router = Router::new();
    for (path, handler) in crate::forms::write_routes() {
        router = router.route(path, handler);
    }
    router
        .route("/api/{*fn_name}", get(server_fn_handler))
        .route("/plans/{key}/csv", get(crate::downloads::plan))
        .route("/files/{id}/{name}", get(crate::downloads::evidence_file))
        .route("/language/{code}", get(set_language))
        .merge(crate::feeds::routes())
        .merge(crate::sitemap::routes())
        .merge(crate::downloads::chart_routes())
        .merge(crate::preview::routes())
        .route("/healthz", get(|| async { "ok" }))
        .nest_service("/pkg", assets)
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_request_context(&context_db, &origin),
            move || shell(shell_options.clone()),
        )
        .fallback(fallback)
        // The security layer bounds every write's body, by route and sender; this bounds
        // anything else a handler might read.
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::files::MAX_UPDATE_BYTES + (2 << 20),
        ))
        // Inside the security layer, which reads who is asking and sets every answer's
        // cookies and security headers, kept pages too.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::page_cache::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::layer,
        ))
        .layer(axum::middleware::map_response(server_fn_status))
        .layer(axum::middleware::map_response(vary_by_language))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            crate::limits::Gate::new(state.limits),
            crate::limits::layer,
        ))
        .with_state(state)
}

/// What the app's pages read from each request's context: the database, the site version
/// the request reads at (one for all its parts) and the site's address.
fn provide_request_context(db: &app::storage::Db, origin: &app::SiteOrigin) {
    provide_context(db.clone());
    provide_context(app::storage::ReadAt::default());
    provide_context(origin.clone());
}

/// Pages are rendered in the reader's language, so caches must key them on what chose it.
async fn vary_by_language(mut response: Response) -> Response {
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        response.headers_mut().append(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
    }
    response
}

async fn server_fn_handler(
    State(state): State<AppState>,
    request: Request<Body>,
) -> impl IntoResponse {
    let context = move || {
        provide_context(state.db.clone());
        provide_context(app::storage::ReadAt::default());
    };
    handle_server_fns_with_context(context, request).await
}

/// Server functions answer an error with status 500 whatever it is; here it gets the
/// status the error stands for (400 for unreadable arguments, 401, 403, 404, ...). The
/// body stays the error as the app's client decodes it: a kind and a message key, never
/// internals.
async fn server_fn_status(response: Response) -> Response {
    if !response
        .headers()
        .contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 16).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        crate::security::set_retry_after(&mut parts.headers, &error);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Renders the app's page at `path` (a GET of it) for a request whose form failed, with
/// `page` carrying the notice and what was typed.
pub async fn render_page(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    path: &str,
    page: app::page_state::PageState,
    info: crate::security::RequestInfo,
) -> Response {
    let mut request = Request::builder()
        .method(axum::http::Method::GET)
        .uri(path)
        .body(Body::empty())
        .unwrap_or_default();
    *request.headers_mut() = headers.clone();
    request.headers_mut().remove(header::CONTENT_TYPE);
    request.headers_mut().remove(header::CONTENT_LENGTH);
    request.extensions_mut().insert(page);
    request.extensions_mut().insert(info);
    render_app(state, request).await
}

/// The app rendered for `request` outside the Leptos routes (404 pages, failed forms).
async fn render_app(state: &AppState, request: Request<Body>) -> Response {
    let options = state.options.clone();
    let db = state.db.clone();
    let origin = state.site_origin();
    let render = leptos_axum::render_app_async_with_context(
        move || provide_request_context(&db, &origin),
        move || shell(options.clone()),
    );
    render(request).await.into_response()
}

/// Files from the site root (e.g. `favicon.ico`), else the app's 404 page.
async fn fallback(State(state): State<AppState>, request: Request<Body>) -> Response {
    let root = state.options.site_root.to_string();
    let (parts, body) = request.into_parts();
    let probe = Request::from_parts(parts.clone(), Body::empty());
    let Ok(response) = ServeDir::new(&root).oneshot(probe).await;
    if response.status() == StatusCode::OK {
        return response.into_response();
    }
    render_app(&state, Request::from_parts(parts, body)).await
}

#[derive(serde::Deserialize)]
struct LanguageQuery {
    next: Option<String>,
}

/// Remembers the chosen language in a cookie and returns to the page the reader was on.
async fn set_language(
    Path(code): Path<String>,
    Query(query): Query<LanguageQuery>,
    info: Option<axum::Extension<crate::security::RequestInfo>>,
) -> Response {
    let Some(lang) = Lang::from_code(&code) else {
        let supported: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
        return (
            StatusCode::BAD_REQUEST,
            format!(
                "language: {code:?} is not supported; choose one of {}",
                supported.join(", ")
            ),
        )
            .into_response();
    };
    // Only same-site paths, so the switch cannot send readers elsewhere.
    let next = crate::forms::local_path(query.next.as_deref(), "/");
    // Under its plain name (pages read it in the browser too), `Secure` over HTTPS.
    let secure = if info.is_some_and(|i| i.https) {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        lang.code()
    );
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, next)
        .header(header::SET_COOKIE, cookie)
        .body(Body::empty())
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Writes `.zst`, `.br` and `.gz` beside each built asset that lacks them, so they are
/// served precompressed at the best compression level (zstd's best without its
/// long-window modes, which a browser may refuse to decode).
pub fn precompress_assets(dir: &std::path::Path) -> std::io::Result<usize> {
    let mut written = 0;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(0);
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if !matches!(ext, "js" | "wasm" | "css") {
            continue;
        }
        let source = std::fs::read(&path)?;
        let modified = entry.metadata()?.modified()?;
        let fresh = |target: &std::path::Path| {
            std::fs::metadata(target)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= modified)
        };
        let br = path.with_extension(format!("{ext}.br"));
        if !fresh(&br) {
            let mut out = Vec::new();
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut source.as_slice(), &mut out, &params)?;
            write_atomically(&br, &out)?;
            written += 1;
        }
        let zst = path.with_extension(format!("{ext}.zst"));
        if !fresh(&zst) {
            write_atomically(&zst, &zstd::bulk::compress(&source, 19)?)?;
            written += 1;
        }
        let gz = path.with_extension(format!("{ext}.gz"));
        if !fresh(&gz) {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            encoder.write_all(&source)?;
            write_atomically(&gz, &encoder.finish()?)?;
            written += 1;
        }
    }
    Ok(written)
}

/// Writes beside the target, then renames, so a half-written file is never served.
fn write_atomically(target: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    // Named after this process: two servers starting together may compress the same file.
    let partial = target.with_extension(format!("{}.partial", std::process::id()));
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, target)
}

pub async fn serve(
    db: Db,
    addr: Option<std::net::SocketAddr>,
    trusted_proxy_hops: usize,
    public_url: Option<String>,
    limits: crate::limits::Limits,
) -> std::io::Result<()> {
    let mut options = leptos_options()?;
    if let Some(addr) = addr {
        options.site_addr = addr;
    }
    let addr = options.site_addr;
    let pkg_dir =
        std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    // In the background: until a compressed copy exists, the plain file is served (as it
    // is if the child cannot run). In a process of its own (`ogp-tracker precompress`,
    // which logs what it wrote): the best levels take some 80 MB, which this process's
    // allocators would keep after (129 MB peak against 55 MB serving).
    tokio::task::spawn_blocking(move || {
        let precompressed = std::env::current_exe().and_then(|exe| {
            std::process::Command::new(exe)
                .arg("precompress")
                .arg(&pkg_dir)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .status()
        });
        match precompressed {
            Ok(status) if status.success() => {}
            Ok(status) => tracing::warn!("assets are served uncompressed: precompress {status}"),
            Err(e) => tracing::warn!("assets are served uncompressed: {e}"),
        }
    });
    // The totals' changes are folded often, so the overview reads few rows after any run
    // of writes; every server folding is harmless (each change is folded once).
    let fold_db = db.clone();
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            app::storage::fold_totals(&fold_db).await;
        }
    });
    let sweep_db = db.clone();
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            if let Err(error) = crate::auth::sweep(&sweep_db).await {
                tracing::warn!(%error, "cannot remove expired sessions");
            }
        }
    });
    let mut state = AppState::new(options, db);
    state.trusted_proxy_hops = trusted_proxy_hops;
    state.public_url = public_url;
    state.set_limits(limits);
    let app = router(state);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    tracing::info!("listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
