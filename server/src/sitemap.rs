//! What search engines read: `/robots.txt`, and the sitemap (`/sitemap.xml`, an index of
//! `/sitemaps/pages.xml` and of each section's files, `/sitemaps/members-0.xml`, ...), which
//! lists every public record's page once per language, each with its alternates.

use crate::http::AppState;
use crate::security::RequestInfo;
use app::domain::{OgpValue, Region, Scope, SitemapSection};
use app::i18n::{Key, Lang};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};

/// The pages that are no record's: the overview, the list of members and the ways to
/// explore (with each region's, value's and policy area's page, which `pages.xml` adds).
const SITE_PAGES: [&str; 3] = ["/", "/members", "/explore"];

const PAGES_FILE: &str = "pages.xml";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(index))
        .route("/sitemaps/{file}", get(file))
}

/// Crawlers may read every public page; the forms, accounts and administration are no
/// use to them.
async fn robots(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
) -> Response {
    let text = format!(
        "User-agent: *\nDisallow: /api/\nDisallow: /admin/\nDisallow: /account\n\
         Disallow: /sign-in\nDisallow: /language/\nDisallow: /search\n\nSitemap: {}\n",
        state.absolute_url(&info, "/sitemap.xml")
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

async fn index(State(state): State<AppState>, Extension(info): Extension<RequestInfo>) -> Response {
    let counts = match state.db.acquire().await {
        Ok(mut conn) => app::storage::sitemap_counts(&mut conn).await,
        Err(error) => Err(error),
    };
    let counts = match counts {
        Ok(counts) => counts,
        Err(error) => return failed(&info, error),
    };
    let mut files = vec![PAGES_FILE.to_string()];
    for (section, count) in SitemapSection::ALL.into_iter().zip(counts) {
        files.extend((0..SitemapSection::files_for(count)).map(|chunk| section.file_name(chunk)));
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for name in files {
        out.push_str(&format!(
            "<sitemap><loc>{}</loc></sitemap>\n",
            app::xml::text(&state.absolute_url(&info, &format!("/sitemaps/{name}")))
        ));
    }
    out.push_str("</sitemapindex>\n");
    xml(out)
}

async fn file(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    Path(name): Path<String>,
) -> Response {
    let paths: Vec<String> = if name == PAGES_FILE {
        let areas = match state.db.acquire().await {
            Ok(mut conn) => app::storage::explore(&mut conn).await,
            Err(error) => Err(error),
        };
        let areas = match areas {
            Ok(explore) => explore.policy_areas,
            Err(error) => return failed(&info, error),
        };
        SITE_PAGES
            .iter()
            .map(|p| p.to_string())
            .chain(Region::ALL.iter().map(|r| Scope::Region(*r).page_path()))
            .chain(OgpValue::ALL.iter().map(|v| Scope::Value(*v).page_path()))
            .chain(
                areas
                    .into_iter()
                    .map(|(slug, _, _)| Scope::PolicyArea(slug).page_path()),
            )
            .collect()
    } else {
        let Some((section, chunk)) = SitemapSection::from_file_name(&name) else {
            return info.refuse(StatusCode::NOT_FOUND, Key::ErrNotFound);
        };
        let keys = match state.db.acquire().await {
            Ok(mut conn) => app::storage::sitemap_keys(&mut conn, section, chunk).await,
            Err(error) => Err(error),
        };
        match keys {
            // Past the last file (the index never names one).
            Ok(keys) if keys.is_empty() => {
                return info.refuse(StatusCode::NOT_FOUND, Key::ErrNotFound)
            }
            Ok(keys) => keys.iter().map(|key| section.page_path(key)).collect(),
            Err(error) => return failed(&info, error),
        }
    };
    let mut out = String::with_capacity(paths.len() * Lang::ALL.len() * 700);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for path in paths {
        // Keys are stored as typed; an address carries them percent-encoded.
        let path = app::components::encode_path(&path, "");
        let alternates: Vec<(&str, String)> = Lang::ALL
            .iter()
            .map(|lang| {
                (
                    lang.code(),
                    state.absolute_url(&info, &lang.address(&path, "")),
                )
            })
            .chain([("x-default", state.absolute_url(&info, &path))])
            .collect();
        for (_, loc) in alternates.iter().take(Lang::ALL.len()) {
            out.push_str(&format!("<url><loc>{}</loc>", app::xml::text(loc)));
            for (hreflang, href) in &alternates {
                out.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{hreflang}\" href=\"{}\"/>",
                    app::xml::text(href)
                ));
            }
            out.push_str("</url>\n");
        }
    }
    out.push_str("</urlset>\n");
    xml(out)
}

fn xml(body: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/xml; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

fn failed(info: &RequestInfo, error: app::storage::StorageError) -> Response {
    tracing::error!(%error, "cannot write the sitemap");
    info.refuse(StatusCode::INTERNAL_SERVER_ERROR, Key::ErrorText)
}
