//! What search engines and link previews read: titles, descriptions, Open Graph tags,
//! language alternates, the sitemap and robots.txt.

use crate::common::*;
use crate::http::{get, get_bytes};
use axum::http::StatusCode;
use leptos::config::LeptosOptions;
use ogp_tracker::http::{router, AppState};
use ogp_tracker::import::import_file;

async fn site(files: &[&str], public_url: Option<&str>) -> (TestDb, axum::Router) {
    let t = test_db().await;
    for file in files {
        import_file(&t.db, &shared_data(file), false).await.unwrap();
    }
    let options = LeptosOptions::builder().output_name("ogp-tracker").build();
    let mut state = AppState::new(options, t.db.clone());
    state.public_url = public_url.map(str::to_string);
    (t, router(state))
}

/// The `content` of the `<meta>` whose `attribute` is `name`.
fn meta<'a>(body: &'a str, attribute: &str, name: &str) -> Option<&'a str> {
    let needle = format!("<meta {attribute}=\"{name}\" content=\"");
    let start = body.find(&needle)? + needle.len();
    body[start..].split('"').next()
}

/// The current file's site with a public address, and Argentina's slug.
async fn argentina() -> (TestDb, axum::Router, String) {
    let (t, router) = site(&[CURRENT], Some("https://tracker.example.org/")).await;
    let slug: String = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT slug FROM members WHERE code = 'ARG'"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    (t, router, slug)
}

#[tokio::test]
async fn public_pages_say_what_they_are_in_the_readers_language() {
    let (_t, router, slug) = argentina().await;
    let (status, _, body) = get(&router, &format!("/members/{slug}?lang=es"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"es\""));
    assert!(body.contains("<title>Argentina · "), "{body}");
    let description = meta(&body, "name", "description").unwrap();
    assert!(
        description.starts_with("Argentina en la Alianza"),
        "{description}"
    );
    assert_eq!(meta(&body, "property", "og:title"), Some("Argentina"));
    assert_eq!(meta(&body, "property", "og:description"), Some(description));
    assert_eq!(meta(&body, "property", "og:locale"), Some("es_ES"));
    assert_eq!(
        meta(&body, "property", "og:url"),
        Some(format!("https://tracker.example.org/members/{slug}?lang=es").as_str())
    );
    // One address per language, and one without, all absolute.
    for (hreflang, query) in [
        ("en", "?lang=en"),
        ("es", "?lang=es"),
        ("fr", "?lang=fr"),
        ("ar", "?lang=ar"),
        ("x-default", ""),
    ] {
        let link = format!(
            "<link href=\"https://tracker.example.org/members/{slug}{query}\" hreflang=\"{hreflang}\" rel=\"alternate\">"
        );
        assert!(body.contains(&link), "{link}");
    }
    // The language switch lets the cookie choose from then on: the page it returns to
    // names no language.
    assert!(
        body.contains(&format!("/language/en?next=/members/{slug}\"")),
        "{body}"
    );

    // A commitment is described by its own text; a history page by what it holds.
    let (_, _, body) = get(&router, "/commitments/AR0045", &[]).await;
    let description = meta(&body, "name", "description").unwrap();
    assert!(description.starts_with("Área Responsable"), "{description}");
    assert!(description.chars().count() <= 201, "{description}");
    let (_, _, body) = get(&router, "/commitments/AR0045/history?lang=fr", &[]).await;
    let description = meta(&body, "name", "description").unwrap();
    assert!(description.contains("AR0045"), "{description}");
    assert_eq!(meta(&body, "property", "og:locale"), Some("fr_FR"));
    // Every public page has exactly one description.
    for path in [
        "/",
        "/members",
        &format!("/members/{slug}"),
        "/plans/AP_ARG03",
        "/commitments/AR0045",
    ] {
        let (status, _, body) = get(&router, path, &[]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(
            body.matches("<meta name=\"description\"").count(),
            1,
            "{path}"
        );
        assert!(
            meta(&body, "property", "og:title").is_some_and(|t| !t.is_empty()),
            "{path}"
        );
    }
}

#[tokio::test]
async fn without_a_public_address_pages_give_paths_not_the_requests_host() {
    let (_t, router) = site(&[CURRENT], None).await;
    let (_, _, body) = get(&router, "/plans/AP_ARG03", &[("host", "evil.example")]).await;
    assert!(!body.contains("evil.example"));
    assert!(
        body.contains("<link href=\"/plans/AP_ARG03?lang=ar\" hreflang=\"ar\" rel=\"alternate\">")
    );
}

#[tokio::test]
async fn the_sitemap_lists_every_public_page_in_every_language() {
    let (t, router) = site(&[CURRENT, EXPLORER], Some("https://tracker.example.org")).await;
    let (status, headers, index) = get(&router, "/sitemap.xml", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/xml"));
    let commitments = count(&t.db, "commitments").await;
    let plans = count(&t.db, "action_plans").await;
    let members = count(&t.db, "members").await;
    assert!(
        commitments > 1_000,
        "the two files need two commitment files"
    );
    let files: Vec<String> = index
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap().to_string())
        .collect();
    let mut expected = vec!["https://tracker.example.org/sitemaps/pages.xml".to_string()];
    for (section, n) in [
        ("members", members),
        ("plans", plans),
        ("commitments", commitments),
    ] {
        for chunk in 0..(n + 999) / 1000 {
            expected.push(format!(
                "https://tracker.example.org/sitemaps/{section}-{chunk}.xml"
            ));
        }
    }
    assert_eq!(files, expected);
    let mut listed = Vec::new();
    for file in &files {
        let path = file.trim_start_matches("https://tracker.example.org");
        let (status, _, body) = get(&router, path, &[]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.starts_with("<?xml"));
        for url in body.split("<url>").skip(1) {
            let loc = url
                .split("<loc>")
                .nth(1)
                .unwrap()
                .split("</loc>")
                .next()
                .unwrap();
            // Each address lists itself and its four siblings, and the one without a language.
            assert_eq!(url.matches("<xhtml:link ").count(), 5, "{url}");
            assert!(url.contains(&format!("href=\"{loc}\"")), "{url}");
            listed.push(loc.to_string());
        }
    }
    let areas = count(&t.db, "policy_areas").await;
    // The overview, the members, /explore, four regions, four values, each policy area.
    let site_pages = 3 + 4 + 4 + areas;
    assert_eq!(
        listed.len() as i64,
        4 * (site_pages + members + plans + commitments)
    );
    listed.sort();
    let before = listed.len();
    listed.dedup();
    assert_eq!(listed.len(), before, "no page is listed twice");
    assert!(listed.contains(&"https://tracker.example.org/commitments/AR0045?lang=ar".to_string()));
    assert!(listed.contains(&"https://tracker.example.org/regions/americas?lang=es".to_string()));
    assert!(listed.contains(
        &"https://tracker.example.org/policy-areas/open-parliaments?lang=fr".to_string()
    ));
    for path in [
        "/sitemaps/commitments-99.xml",
        "/sitemaps/people-0.xml",
        "/sitemaps/plans-x.xml",
    ] {
        let (status, _, _) = get(&router, path, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _, robots) = get(&router, "/robots.txt", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        robots.contains("\nSitemap: https://tracker.example.org/sitemap.xml\n"),
        "{robots}"
    );
}

#[tokio::test]
async fn a_plan_prints_with_every_commitment_in_full() {
    let (t, router) = site(&[CURRENT], None).await;
    let (_, _, plan_page) = get(&router, "/plans/AP_ARG03", &[]).await;
    assert!(plan_page.contains("href=\"/plans/AP_ARG03/print\" data-action=\"print\""));
    let (status, _, body) = get(&router, "/plans/AP_ARG03/print?lang=es", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<String> = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT c.code FROM commitments c JOIN action_plans p ON p.id = c.plan_id
         WHERE p.plan_key = 'AP_ARG03' ORDER BY c.code"
    )
    .fetch_all(pool)
    .await
    .unwrap());
    assert!(codes.len() > 1);
    assert_eq!(
        body.matches("class=\"printed-commitment\"").count(),
        codes.len()
    );
    for code in &codes {
        assert!(
            body.contains(&format!("data-commitment=\"{code}\"")),
            "{code}"
        );
    }
    // In full: AR0045's own text, its scores, and no form.
    assert!(body.contains("Fundación Directorio Legislativo"));
    assert!(body.contains("data-source=\"irm\""));
    assert!(!body.contains("<form"), "nothing to fill in on paper");
    assert!(body.contains("<html lang=\"es\""));
    let (status, _, _) = get(&router, "/plans/AP_XXX99/print", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Members and plans have a link preview: their headline chart (here the IRM's latest
/// completion, OGP's data having no milestones) drawn to PNG at Open Graph's size, in the
/// reader's language, named by their pages' `og:image`.
#[tokio::test]
async fn members_and_plans_have_a_link_preview_of_their_headline_chart() {
    use resvg::tiny_skia::Pixmap;
    let (_t, router, slug) = argentina().await;
    // The pages name their images, absolute, in their language.
    for (page, image) in [
        (
            format!("/members/{slug}?lang=fr"),
            format!("https://tracker.example.org/members/{slug}/preview.png?lang=fr"),
        ),
        (
            "/plans/AP_ARG03".to_string(),
            "https://tracker.example.org/plans/AP_ARG03/preview.png?lang=en".to_string(),
        ),
    ] {
        let (_, _, body) = get(&router, &page, &[]).await;
        assert_eq!(meta(&body, "property", "og:image"), Some(image.as_str()));
        assert_eq!(meta(&body, "property", "og:image:width"), Some("1200"));
        assert_eq!(meta(&body, "property", "og:image:height"), Some("630"));
        assert_eq!(
            meta(&body, "name", "twitter:card"),
            Some("summary_large_image")
        );
    }
    // Pages without one name none.
    let (_, _, body) = get(&router, "/commitments/AR0045", &[]).await;
    assert_eq!(meta(&body, "property", "og:image"), None);

    let accent = [0x00, 0x4a, 0x80];
    let mut drawn = Vec::new();
    for address in [
        format!("/members/{slug}/preview.png"),
        format!("/members/{slug}/preview.png?lang=ar"),
        "/plans/AP_ARG03/preview.png".to_string(),
    ] {
        let (status, headers, image) = get_bytes(&router, &address, &[]).await;
        assert_eq!(status, StatusCode::OK, "{address}");
        assert_eq!(headers["content-type"], "image/png");
        let pixmap = Pixmap::decode_png(&image).unwrap();
        assert_eq!((pixmap.width(), pixmap.height()), (1200, 630));
        // The band at the top, the chart's bars in the accent colour below it, and text.
        let at = |x: u32, y: u32| {
            let p = pixmap.pixel(x, y).unwrap();
            [p.red(), p.green(), p.blue()]
        };
        assert_eq!(at(5, 5), accent, "{address}");
        let below = (0..pixmap.width())
            .flat_map(|x| (200..pixmap.height()).map(move |y| (x, y)))
            .filter(|(x, y)| at(*x, *y) == accent)
            .count();
        assert!(below > 2_000, "{address}: {below} pixels of bars");
        let dark = (0..pixmap.width())
            .flat_map(|x| (90..160).map(move |y| (x, y)))
            .filter(|(x, y)| at(*x, *y).iter().all(|c| *c < 0x40))
            .count();
        assert!(
            dark > 500,
            "{address}: the name written ({dark} dark pixels)"
        );
        drawn.push(image);
    }
    // Right to left it is another image; another scope's too.
    assert_ne!(drawn[0], drawn[1]);
    assert_ne!(drawn[0], drawn[2]);
    for missing in [
        "/members/atlantis/preview.png",
        "/plans/AP_NONE/preview.png",
    ] {
        let (status, _, _) = get(&router, missing, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }
}
