use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use ogp_tracker::http::{router, AppState};
use ogp_tracker::import::import_file;
use tower::ServiceExt;

async fn app() -> (TestDb, axum::Router) {
    let t = test_db().await;
    import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    let options = LeptosOptions::builder().output_name("ogp-tracker").build();
    let router = router(AppState::new(options, t.db.clone()));
    (t, router)
}

pub async fn get(
    router: &axum::Router,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, String) {
    let (status, headers, body) = get_bytes(router, uri, headers).await;
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// [`get`], the body as it came.
pub async fn get_bytes(
    router: &axum::Router,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut request = Request::builder().uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, body.to_vec())
}

#[tokio::test]
async fn commitment_page_is_server_rendered_with_its_scores() {
    let (_t, router) = app().await;
    let (status, headers, body) = get(&router, "/commitments/AR0045", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Apertura de datos del Congreso Nacional"),
        "{body}"
    );
    assert!(body.contains("Transformative"));
    assert!(body.contains("<html lang=\"en\" dir=\"ltr\""));
    assert_eq!(
        headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
        "nosniff"
    );
}

#[tokio::test]
async fn unknown_keys_answer_404_with_a_page() {
    let (_t, router) = app().await;
    for uri in [
        "/commitments/ZZ9999",
        "/plans/AP_ZZZ01",
        "/members/atlantis",
        "/no/such/page",
    ] {
        let (status, _, body) = get(&router, uri, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(body.contains("Page not found"), "{uri}: {body}");
    }
}

#[tokio::test]
async fn pages_follow_accept_language_and_the_language_cookie() {
    let (_t, router) = app().await;
    let (_, _, arabic) = get(
        &router,
        "/members",
        &[("accept-language", "ar-EG,ar;q=0.9")],
    )
    .await;
    assert!(arabic.contains("<html lang=\"ar\" dir=\"rtl\""));
    assert!(arabic.contains("الأعضاء"));
    let (_, _, french) = get(
        &router,
        "/members",
        &[("accept-language", "ar"), ("cookie", "lang=fr")],
    )
    .await;
    assert!(french.contains("<html lang=\"fr\" dir=\"ltr\""));
    assert!(french.contains("Membres"));
    let (_, headers, _) = get(&router, "/members", &[]).await;
    let vary: Vec<&str> = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        vary.iter()
            .any(|v| v.contains("Accept-Language") && v.contains("Cookie")),
        "{vary:?}"
    );
}

#[tokio::test]
async fn language_switch_sets_a_cookie_and_returns_to_the_page() {
    let (_t, router) = app().await;
    let (status, headers, _) = get(&router, "/language/es?next=/plans/AP_ARG03", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers.get(header::LOCATION).unwrap(), "/plans/AP_ARG03");
    let cookie = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.starts_with("lang=es;") && cookie.contains("SameSite=Lax"));
    let (status, headers, _) = get(&router, "/language/es?next=//evil.example", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers.get(header::LOCATION).unwrap(), "/");
    let (status, _, body) = get(&router, "/language/xx", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("language"));
}

#[tokio::test]
async fn members_page_filters_without_javascript() {
    let (_t, router) = app().await;
    let (status, _, body) = get(&router, "/members?region=americas", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Argentina"));
    assert!(!body.contains(">Albania<"));
    let (_, _, plan) = get(&router, "/plans/AP_ARG03", &[]).await;
    assert!(plan.contains("AR0045"));
}

#[tokio::test]
async fn html_is_compressed_when_the_browser_accepts_it() {
    let (_t, router) = app().await;
    let (status, headers, _) = get(&router, "/members", &[("accept-encoding", "br, gzip")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "br");
    // What Chromium asks for over HTTPS.
    let (status, headers, _) = get(
        &router,
        "/members",
        &[("accept-encoding", "gzip, deflate, br, zstd")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "zstd");
}

#[tokio::test]
async fn assets_are_precompressed_and_cached_for_a_year() {
    let t = test_db().await;
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let script = "console.log('hydrate');\n".repeat(200);
    std::fs::write(pkg.join("app.abc123.js"), &script).unwrap();
    // As the server runs it at start: a process of its own.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ogp-tracker"))
        .arg("precompress")
        .arg(&pkg)
        .env("LOG_LEVEL", "warn")
        .status()
        .unwrap();
    assert!(status.success(), "precompress ended with {status}");
    for ext in ["zst", "br", "gz"] {
        assert!(
            pkg.join(format!("app.abc123.js.{ext}")).is_file(),
            "a .{ext} beside the script"
        );
    }
    assert_eq!(
        ogp_tracker::http::precompress_assets(&pkg).unwrap(),
        0,
        "fresh copies are kept"
    );
    let options = LeptosOptions::builder()
        .output_name("ogp-tracker")
        .site_root(site.path().display().to_string())
        .build();
    let router = router(AppState::new(options, t.db.clone()));
    let (status, headers, body) =
        get(&router, "/pkg/app.abc123.js", &[("accept-encoding", "br")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "br");
    assert_eq!(
        headers.get(header::CACHE_CONTROL).unwrap(),
        "public, max-age=31536000, immutable"
    );
    assert!(
        body.len() < script.len() / 10,
        "served compressed: {} bytes",
        body.len()
    );
    let (_, headers, _) = get(
        &router,
        "/pkg/app.abc123.js",
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "gzip");
    let (_, headers, body) = get(
        &router,
        "/pkg/app.abc123.js",
        &[("accept-encoding", "zstd")],
    )
    .await;
    assert_eq!(headers.get(header::CONTENT_ENCODING).unwrap(), "zstd");
    assert!(body.len() < script.len() / 10, "{} bytes", body.len());
    let (_, headers, plain) = get(&router, "/pkg/app.abc123.js", &[]).await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(plain, script);
}

/// A path with each `{param}` replaced by `{}`, to compare routes whatever their names.
fn route_shape(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn every_address_a_form_posts_to_is_also_a_page() {
    // A refused post is shown at its own address; the browser's app must have a route
    // there, or hydration fails.
    let pages: Vec<String> = ogp_tracker::http::route_list()
        .iter()
        .map(|route| route_shape(route.path()))
        .collect();
    let without_page: Vec<&str> = ogp_tracker::forms::write_routes()
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| !pages.contains(&route_shape(path)))
        .collect();
    assert!(
        without_page.is_empty(),
        "form addresses without a page: {without_page:?}"
    );
}

#[tokio::test]
async fn only_http_and_https_addresses_become_links() {
    let (t, router) = app().await;
    write_sql(
        &t.db,
        "UPDATE commitments SET source_url = 'javascript:alert(document.cookie)' WHERE code = 'AR0045'",
    )
    .await;
    let (status, _, body) = get(&router, "/commitments/AR0045", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("href=\"javascript:"), "{body}");
    assert!(body.contains(
        "<span data-unlinked=\"true\" class=\"unlinked\">javascript:alert(document.cookie)</span>"
    ));
    write_sql(
        &t.db,
        "UPDATE commitments SET source_url = 'https://www.opengovpartnership.org/' WHERE code = 'AR0045'",
    )
    .await;
    let (_, _, body) = get(&router, "/commitments/AR0045", &[]).await;
    assert!(body.contains("href=\"https://www.opengovpartnership.org/\""));
}

#[tokio::test]
async fn page_numbers_out_of_range_answer_400_and_pages_past_the_end_are_empty() {
    let (_t, router) = app().await;
    let plan = "/plans/AP_ARG03";
    for base in ["/members", plan, "/commitments/AR0045/history"] {
        for page in [
            "9223372036854775807",
            "0",
            "-1",
            "abc",
            "1e3",
            "99999999999",
        ] {
            let uri = format!("{base}?page={page}");
            let (status, _, body) = get(&router, &uri, &[]).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
            assert!(body.contains("data-error=\"page\""), "{uri}: {body}");
        }
        let (status, _, _) = get(&router, &format!("{base}?page=2"), &[]).await;
        assert_eq!(status, StatusCode::OK, "{base}");
    }
}

#[tokio::test]
async fn text_people_entered_keeps_its_own_direction() {
    let (_t, router) = app().await;
    let (status, _, body) = get(&router, "/commitments/AR0045", &[("accept-language", "ar")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"ar\" dir=\"rtl\""));
    assert!(
        body.contains("<h1 dir=\"auto\">Apertura de datos del Congreso Nacional</h1>"),
        "{body}"
    );
    assert!(body.contains("<p dir=\"auto\" class=\"full-text\">"));
    // The lead institution, linked to its page, in a value of its own direction.
    let institution = "Cámara de Diputados de la Nación - Senado de la Nación";
    let href = app::domain::Scope::Institution(institution.into()).page_path();
    assert!(
        body.contains(&format!(
            "<dd dir=\"auto\"><a href=\"{href}\">{institution}</a>"
        )),
        "{body}"
    );
}

#[tokio::test]
async fn overdue_milestones_are_marked_on_commitment_milestone_plan_and_member_pages() {
    let t = test_db().await;
    crate::browser::small_demo(&t.db).await;
    let router = crate::browser::test_router(&t.db);
    let today = chrono::Utc::now().date_naive();
    #[derive(sqlx::FromRow)]
    struct Late {
        id: i64,
        code: String,
        plan_key: String,
        slug: String,
    }
    let late: Late = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT ms.id, c.code, p.plan_key, m.slug FROM milestones ms
         JOIN commitments c ON c.id = ms.commitment_id
         JOIN action_plans p ON p.id = c.plan_id JOIN members m ON m.id = p.member_id
         WHERE ms.status NOT IN ('completed', 'withdrawn') AND ms.planned_end < $1
         ORDER BY ms.id LIMIT 1"
    )
    .bind(today)
    .fetch_one(pool)
    .await
    .unwrap());
    let count = |sql: String| {
        let db = t.db.clone();
        async move {
            on_pool!(&db, |pool| sqlx::query_scalar::<_, i64>(&sql)
                .bind(today)
                .fetch_one(pool)
                .await
                .unwrap())
        }
    };
    let in_commitment = count(format!(
        "SELECT COUNT(*) FROM milestones ms JOIN commitments c ON c.id = ms.commitment_id
         WHERE c.code = '{}' AND ms.status NOT IN ('completed', 'withdrawn') AND ms.planned_end < $1",
        late.code
    ))
    .await;
    let in_plan = count(format!(
        "SELECT COUNT(*) FROM milestones ms JOIN commitments c ON c.id = ms.commitment_id
         JOIN action_plans p ON p.id = c.plan_id
         WHERE p.plan_key = '{}' AND ms.status NOT IN ('completed', 'withdrawn') AND ms.planned_end < $1",
        late.plan_key
    ))
    .await;

    let (_, _, page) = get(&router, &format!("/commitments/{}", late.code), &[]).await;
    assert_eq!(
        page.matches("data-overdue=\"true\"").count() as i64,
        in_commitment,
        "each overdue milestone of the commitment is marked"
    );
    let (_, _, page) = get(&router, &format!("/milestones/{}/updates", late.id), &[]).await;
    assert!(page.contains("data-overdue=\"true\""));
    // Each count sits in the row of the commitment (or plan) it is about.
    let row_of = |page: &str, link: &str| {
        page.split("<tr")
            .find(|row| row.contains(&format!("href=\"{link}\"")))
            .map(str::to_string)
    };
    let plan_page = format!("/plans/{}", late.plan_key);
    let commitment_link = format!("/commitments/{}", late.code);
    let mut page_number = 1;
    let row = loop {
        let (_, _, page) = get(&router, &format!("{plan_page}?page={page_number}"), &[]).await;
        if let Some(row) = row_of(&page, &commitment_link) {
            break row;
        }
        assert!(
            page_number < 20,
            "the commitment is on one of the plan's pages"
        );
        page_number += 1;
    };
    assert!(
        row.contains(&format!("data-overdue=\"{in_commitment}\"")),
        "{row}"
    );
    let (_, _, page) = get(&router, &format!("/members/{}", late.slug), &[]).await;
    let row = row_of(&page, &plan_page).expect("the plan's row");
    assert!(
        row.contains(&format!("data-overdue=\"{in_plan}\"")),
        "{row}"
    );
    assert!(in_plan >= in_commitment && in_commitment >= 1);
}

/// A link found by a search engine or pasted in a chat says what the site is, in the
/// reader's language.
#[tokio::test]
async fn every_page_describes_the_site_in_the_readers_language() {
    use app::i18n::{text, Key, Lang};
    let (_t, router) = app().await;
    for (lang, accept) in [
        (Lang::En, "en"),
        (Lang::Es, "es-ES"),
        (Lang::Fr, "fr"),
        (Lang::Ar, "ar"),
    ] {
        for (path, key) in [("/", Key::SiteDescription), ("/members", Key::MetaMembers)] {
            let (status, _, body) = get(&router, path, &[("accept-language", accept)]).await;
            assert_eq!(status, StatusCode::OK);
            let description = text(lang, key);
            assert!(
                body.contains(&format!(
                    "<meta name=\"description\" content=\"{description}\""
                )),
                "{accept}: {}",
                &body[..body.find("</head>").unwrap_or(body.len())]
            );
        }
    }
}
