//! Public pages kept rendered: answered again from memory with fresh one-answer secrets,
//! never after a write, on any app server, and never to a signed-in reader.

use crate::browser::*;
use crate::common::*;
use ogp_tracker::page_cache::{policy_nonce, CACHE_HEADER};

fn cache_state(answer: &Answer) -> Option<&str> {
    answer
        .headers
        .get(CACHE_HEADER)
        .and_then(|v| v.to_str().ok())
}

fn page_nonce(answer: &Answer) -> String {
    policy_nonce(&answer.headers).expect("a page's policy with a nonce")
}

fn csrf_cookie(browser: &Browser) -> String {
    browser
        .cookies
        .iter()
        .find(|(name, _)| name.ends_with("ogp_csrf"))
        .map(|(_, value)| value.clone())
        .expect("a CSRF cookie")
}

#[tokio::test]
async fn a_kept_page_answers_again_with_its_own_nonce_and_token() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let milestone = open_demo_milestone(&t.db).await;
    let router = test_router(&t.db);
    let page = format!("/commitments/{}", milestone.code);

    let mut first_reader = Browser::new(&router);
    let first = first_reader.get(&page).await;
    assert_eq!(first.status, 200);
    assert_eq!(cache_state(&first), Some("miss"));
    let mut second_reader = Browser::new(&router);
    let second = second_reader.get(&page).await;
    assert_eq!(cache_state(&second), Some("hit"));
    let again = second_reader.get(&page).await;
    assert_eq!(cache_state(&again), Some("hit"));

    // Each answer's scripts run by its own nonce, which its policy names.
    let nonces = [page_nonce(&first), page_nonce(&second), page_nonce(&again)];
    assert_ne!(nonces[0], nonces[1]);
    assert_ne!(nonces[1], nonces[2]);
    for (answer, nonce) in [&first, &second, &again].into_iter().zip(&nonces) {
        assert!(answer.body.contains(&format!("nonce=\"{nonce}\"")));
    }
    // Each carries a token masked afresh for its reader's own cookie.
    let tokens = [
        page_csrf_token(&first.body),
        page_csrf_token(&second.body),
        page_csrf_token(&again.body),
    ];
    assert_ne!(tokens[1], tokens[2]);
    assert_ne!(csrf_cookie(&first_reader), csrf_cookie(&second_reader));
    for (token, reader) in [
        (&tokens[0], &first_reader),
        (&tokens[1], &second_reader),
        (&tokens[2], &second_reader),
    ] {
        assert_eq!(
            ogp_tracker::auth::unmask_token(token).as_deref(),
            Some(csrf_cookie(reader).as_str())
        );
    }
    // Apart from them, the same page.
    let same = |answer: &Answer, nonce: &str, token: &str| {
        answer.body.replace(nonce, "NONCE").replace(token, "TOKEN")
    };
    assert_eq!(
        same(&first, &nonces[0], &tokens[0]),
        same(&second, &nonces[1], &tokens[1])
    );
    // The token the kept page carried works for a form.
    let answer = second_reader
        .post_raw(
            "/sign-in",
            serde_urlencoded::to_string([
                ("_csrf", tokens[2].as_str()),
                ("email", "nobody@example.org"),
                ("password", "wrong password here"),
            ])
            .unwrap(),
            &[],
        )
        .await;
    assert_ne!(answer.status, 403, "{}", answer.body);
}

#[tokio::test]
async fn a_write_on_one_app_server_shows_at_once_on_another() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let milestone = open_demo_milestone(&t.db).await;
    let writer = test_router(&t.db);
    let reader = test_router(&t.db);
    let page = format!("/commitments/{}", milestone.code);
    let mut visitor = Browser::new(&reader);
    visitor.get(&page).await;
    assert_eq!(cache_state(&visitor.get(&page).await), Some("hit"));

    let mut poc = signed_in_poc(&t.db, &writer, "cache-poc@example.org", &milestone.lead).await;
    let version = milestone_version(&t.db, milestone.id).await;
    let saved = poc
        .post_update(
            milestone.id,
            "in_progress",
            "55",
            "Kept pages see this at once",
            version,
        )
        .await;
    assert!(saved.status.is_redirection(), "{}", saved.body);

    let after = visitor.get(&page).await;
    assert_eq!(cache_state(&after), Some("miss"));
    assert!(after.body.contains("Kept pages see this at once"));
    assert_eq!(cache_state(&visitor.get(&page).await), Some("hit"));
}

#[tokio::test]
async fn folding_the_totals_keeps_pages_and_signed_in_readers_get_theirs() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let milestone = open_demo_milestone(&t.db).await;
    let router = test_router(&t.db);
    let mut visitor = Browser::new(&router);
    visitor.get("/").await;
    assert_eq!(cache_state(&visitor.get("/").await), Some("hit"));
    // Folding changes no figure a page shows.
    app::storage::fold_totals(&t.db).await;
    assert_eq!(cache_state(&visitor.get("/").await), Some("hit"));

    let page = format!("/commitments/{}", milestone.code);
    visitor.get(&page).await;
    let mut poc = signed_in_poc(&t.db, &router, "cache-reader@example.org", &milestone.lead).await;
    let signed_in = poc.get(&page).await;
    assert_eq!(signed_in.status, 200);
    assert_eq!(cache_state(&signed_in), None);
    // Their own page: the update form of the milestone they keep.
    assert!(signed_in.body.contains("update-form"));
    let anonymous = visitor.get(&page).await;
    assert!(!anonymous.body.contains("update-form"));

    // Pages that are not public reading pages are never kept.
    for path in ["/sign-in", "/nowhere"] {
        visitor.get(path).await;
        assert_eq!(cache_state(&visitor.get(path).await), None, "{path}");
    }
}

#[tokio::test]
async fn each_language_has_its_own_kept_page() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let mut english = Browser::new(&router);
    let mut spanish = Browser::new(&router);
    spanish.headers.push(("accept-language", "es"));
    let first = english.get("/members").await;
    assert!(first.body.contains("<html lang=\"en\""));
    let es = spanish.get("/members").await;
    assert_eq!(cache_state(&es), Some("miss"));
    assert!(es.body.contains("<html lang=\"es\""));
    let es_again = spanish.get("/members").await;
    assert_eq!(cache_state(&es_again), Some("hit"));
    assert!(es_again.body.contains("<html lang=\"es\""));
    let en_again = english.get("/members").await;
    assert_eq!(cache_state(&en_again), Some("hit"));
    assert!(en_again.body.contains("<html lang=\"en\""));
}

#[tokio::test]
async fn a_burst_of_requests_for_a_page_not_kept_renders_it_once() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let requests = 16;
    let answers = futures_util::future::join_all((0..requests).map(|_| {
        let mut visitor = Browser::new(&router);
        async move { visitor.get("/members").await }
    }))
    .await;
    let states: Vec<Option<&str>> = answers.iter().map(cache_state).collect();
    assert!(answers.iter().all(|a| a.status == 200));
    assert_eq!(
        states.iter().filter(|s| **s == Some("miss")).count(),
        1,
        "{states:?}"
    );
    assert_eq!(
        states.iter().filter(|s| **s == Some("hit")).count(),
        requests - 1
    );
}

#[tokio::test]
async fn sign_ins_keep_pages_and_a_notice_is_shown_to_its_reader_alone() {
    let t = test_db().await;
    small_demo(&t.db).await;
    add_user(&t.db, "cache-signs-in@example.org", &[]).await;
    let router = test_router(&t.db);
    let mut visitor = Browser::new(&router);
    visitor.get("/").await;
    assert_eq!(cache_state(&visitor.get("/").await), Some("hit"));

    // Failed and successful sign-ins write only what no public page shows.
    let mut someone = Browser::new(&router);
    let failed = someone
        .sign_in("cache-signs-in@example.org", "not the password at all")
        .await;
    assert!(failed.status.is_client_error(), "{}", failed.status);
    assert_eq!(cache_state(&visitor.get("/").await), Some("hit"));
    let signed_in = someone
        .sign_in("cache-signs-in@example.org", PASSWORD)
        .await;
    assert!(signed_in.status.is_redirection());
    assert_eq!(cache_state(&visitor.get("/").await), Some("hit"));

    // Signing out leaves a notice for the next page: rendered for its reader alone.
    let out = someone.post("/sign-out", &[]).await;
    assert!(out.status.is_redirection());
    let with_notice = someone.get("/").await;
    assert_eq!(cache_state(&with_notice), None);
    assert!(with_notice.body.contains("class=\"notice notice-success\""));
    let next = someone.get("/").await;
    assert_eq!(cache_state(&next), Some("hit"));
    assert!(!next.body.contains("class=\"notice notice-success\""));
}

#[tokio::test]
async fn queries_the_pages_read_are_kept_apart_and_others_are_rendered() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let mut visitor = Browser::new(&router);
    visitor.get("/members").await;
    let filtered = visitor.get("/members?region=africa").await;
    assert_eq!(cache_state(&filtered), Some("miss"));
    assert_eq!(
        cache_state(&visitor.get("/members?region=africa").await),
        Some("hit")
    );
    for made_up in ["/members?utm_source=mail", "/members?page=1&page=2"] {
        visitor.get(made_up).await;
        assert_eq!(cache_state(&visitor.get(made_up).await), None, "{made_up}");
    }
}

#[tokio::test]
async fn no_page_is_kept_without_memory_for_them() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let options = leptos::config::LeptosOptions::builder()
        .output_name("ogp-tracker")
        .build();
    let mut state = ogp_tracker::http::AppState::new(options, t.db.clone());
    state.set_limits(ogp_tracker::limits::Limits {
        page_cache_bytes: 0,
        ..Default::default()
    });
    let router = ogp_tracker::http::router(state);
    let mut visitor = Browser::new(&router);
    for _ in 0..2 {
        let answer = visitor.get("/").await;
        assert_eq!(answer.status, 200);
        assert_eq!(cache_state(&answer), None);
    }
}

/// A public page with an island loads the script for everyone, and is still kept: its
/// script's nonce is cut out and filled afresh like any page's.
#[tokio::test]
async fn a_public_page_with_an_island_is_kept_with_its_script() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let router = test_router(&t.db);
    let mut reader = Browser::new(&router);
    let first = reader.get("/explore?dashboard=/regions/europe").await;
    assert_eq!(first.status, 200);
    assert!(first
        .body
        .contains(r#"<leptos-island data-component="LiveCharts_"#));
    assert!(first.body.contains("hydrateIslands"));
    assert_eq!(cache_state(&first), Some("miss"));
    let second = Browser::new(&router)
        .get("/explore?dashboard=/regions/europe")
        .await;
    assert_eq!(cache_state(&second), Some("hit"));
    let nonce = page_nonce(&second);
    assert_ne!(nonce, page_nonce(&first));
    assert!(second.body.contains(&format!("nonce=\"{nonce}\"")));
    assert!(!second.body.contains(&page_nonce(&first)));
}
