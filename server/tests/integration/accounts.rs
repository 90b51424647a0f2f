//! Sessions, CSRF, throttling and one-time links, through the HTTP router.

use crate::browser::*;
use crate::common::*;
use app::domain::{AuditFact, Role, Viewer};
use app::error::AppError;
use app::i18n::Key;
use app::input::{DisabledInput, SignInInput};
use axum::http::{header, StatusCode};
use ogp_tracker::auth;
use ogp_tracker::commands::{accounts, admin, throttle, Actor};

async fn audit_actions(db: &app::storage::Db) -> Vec<String> {
    let (entries, _) = app::storage::audit_page(&mut conn(db).await, 500, 0)
        .await
        .unwrap();
    entries.into_iter().map(|e| e.action).collect()
}

#[tokio::test]
async fn a_session_lasts_until_sign_out_and_its_token_is_dead_afterwards() {
    let t = test_db().await;
    add_user(&t.db, "ana@example.org", &[(Role::Admin, None, None)]).await;
    let router = test_router(&t.db);
    let mut browser = Browser::new(&router);
    assert_eq!(
        browser.get("/account").await.status,
        StatusCode::UNAUTHORIZED
    );

    let answer = browser.sign_in("Ana@Example.org", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), "/account");
    let cookie = answer.set_cookie("ogp_session").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP gets no Secure flag: {cookie}"
    );
    let token = browser.cookies["ogp_session"].clone();
    assert_eq!(count(&t.db, "sessions").await, 1);
    let stored: (String,) = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT token_hash FROM sessions"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert_ne!(stored.0, token, "only a hash of the token is stored");

    let page = browser.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("ana@example.org"));
    let signed_in = format!("data-notice=\"{}\"", Key::NoticeSignedIn.name());
    assert!(
        page.body.contains(&signed_in) && page.body.contains("You are signed in."),
        "the notice is shown once"
    );
    let next = browser.get("/account").await.body;
    assert!(!next.contains(&signed_in) && !next.contains("You are signed in."));

    assert_eq!(
        browser.post("/sign-out", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(count(&t.db, "sessions").await, 0);
    assert_eq!(
        browser.get("/account").await.status,
        StatusCode::UNAUTHORIZED
    );
    browser.cookies.insert("ogp_session".into(), token);
    assert_eq!(
        browser.get("/account").await.status,
        StatusCode::UNAUTHORIZED,
        "a signed-out token opens nothing"
    );
}

#[tokio::test]
async fn the_sign_in_page_lists_demo_passwords_only_when_the_demo_accounts_exist() {
    let t = test_db().await;
    let router = test_router(&t.db);
    let mut browser = Browser::new(&router);
    let without = browser.get("/sign-in").await;
    assert_eq!(without.status, StatusCode::OK);
    assert!(!without.body.contains("demo-accounts-heading"));
    assert!(!without.body.contains("demo-admin-password"));

    small_demo(&t.db).await;
    let with = browser.get("/sign-in").await.body;
    assert!(with.contains("demo-accounts-heading"), "{with}");
    for (_, email, password) in app::domain::DEMO_ACCOUNTS {
        assert!(with.contains(email) && with.contains(password), "{email}");
    }
    let failed = browser
        .sign_in("admin@demo.example", "not the password")
        .await;
    assert_eq!(failed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        failed.body.contains("demo-accounts-heading"),
        "the page shown again after a failed sign-in still lists them"
    );
}

#[tokio::test]
async fn sign_in_rotates_the_session_and_the_csrf_token() {
    let t = test_db().await;
    add_user(&t.db, "ana@example.org", &[]).await;
    let router = test_router(&t.db);
    let mut browser = Browser::new(&router);
    let csrf_before = browser.csrf().await;
    browser.sign_in("ana@example.org", PASSWORD).await;
    let first = browser.cookies["ogp_session"].clone();
    assert_ne!(browser.cookies["ogp_csrf"], csrf_before);
    browser.sign_in("ana@example.org", PASSWORD).await;
    assert_ne!(browser.cookies["ogp_session"], first);
    assert_eq!(
        count(&t.db, "sessions").await,
        1,
        "the earlier session ended"
    );
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session_of_the_account() {
    let t = test_db().await;
    add_user(&t.db, "ana@example.org", &[]).await;
    add_user(&t.db, "ben@example.org", &[]).await;
    let router = test_router(&t.db);
    let mut laptop = Browser::new(&router);
    let mut phone = Browser::new(&router);
    let mut other = Browser::new(&router);
    laptop.sign_in("ana@example.org", PASSWORD).await;
    phone.sign_in("ana@example.org", PASSWORD).await;
    other.sign_in("ben@example.org", PASSWORD).await;
    assert_eq!(count(&t.db, "sessions").await, 3);
    let answer = laptop.post("/account/sign-out-everywhere", &[]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(phone.get("/account").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        laptop.get("/account").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(other.get("/account").await.status, StatusCode::OK);
    assert!(audit_actions(&t.db)
        .await
        .contains(&"signed_out_everywhere".to_string()));
}

#[tokio::test]
async fn writes_without_the_right_csrf_token_are_refused_and_change_nothing() {
    let t = test_db().await;
    add_user(&t.db, "admin@example.org", &[(Role::Admin, None, None)]).await;
    let router = test_router(&t.db);
    let mut admin = Browser::new(&router);
    admin.sign_in("admin@example.org", PASSWORD).await;
    let mut stranger = Browser::new(&router);
    let foreign_token = stranger.csrf().await;
    let own_token = admin.csrf().await;
    let invite = |token: &str| {
        serde_urlencoded::to_string([
            ("_csrf", token),
            ("email", "new@example.org"),
            ("display_name", "New"),
            ("role", "admin"),
        ])
        .unwrap()
    };
    let before = (
        count(&t.db, "users").await,
        count(&t.db, "role_grants").await,
    );
    // (case, form body, extra headers)
    type Case<'a> = (&'a str, String, Vec<(&'a str, &'a str)>);
    let cases: Vec<Case> = vec![
        (
            "no token",
            "email=new%40example.org&role=admin".into(),
            vec![],
        ),
        ("another browser's token", invite(&foreign_token), vec![]),
        ("a made-up token", invite(&"0".repeat(64)), vec![]),
        (
            "the right token from another site",
            invite(&own_token),
            vec![("origin", "https://evil.example")],
        ),
    ];
    for (case, body, headers) in cases {
        let answer = admin.post_raw("/admin/invitations", body, &headers).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{case}");
        assert!(
            answer.body.contains("This form has expired"),
            "{case}: {}",
            answer.body
        );
    }
    // A JSON client may send the token in a header instead.
    let answer = admin
        .post_raw(
            "/admin/invitations",
            "email=x%40example.org&display_name=X&role=admin".into(),
            &[("x-csrf-token", &own_token), ("accept", "application/json")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        (
            count(&t.db, "users").await,
            count(&t.db, "role_grants").await
        ),
        (before.0 + 1, before.1 + 1),
        "only the write with the right token went through"
    );
    // Server functions are read-only: a POST to one is refused before it runs.
    let answer = admin.post_raw("/api/overview", String::new(), &[]).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn unknown_accounts_and_wrong_passwords_get_the_same_answer() {
    let t = test_db().await;
    add_user(&t.db, "ana@example.org", &[]).await;
    let router = test_router(&t.db);
    let mut browser = Browser::new(&router);
    let wrong = browser.sign_in("ana@example.org", "not the password").await;
    let unknown = browser
        .sign_in("nobody@example.org", "not the password")
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.status, wrong.status);
    let notice = |body: &str| {
        let start = body.find("notice-error").expect("an error notice");
        body[start..start + 200].to_string()
    };
    assert_eq!(notice(&wrong.body), notice(&unknown.body));
    assert!(wrong
        .body
        .contains("The e-mail address or the password is not correct."));
    assert!(
        wrong.body.contains("value=\"ana@example.org\""),
        "the e-mail is kept in the form"
    );
    assert!(
        !wrong.body.contains("not the password"),
        "passwords are never echoed"
    );
    // A disabled account answers the same, even with the right password.
    on_pool!(&t.db, |pool| sqlx::query(
        "UPDATE users SET disabled = TRUE"
    )
    .execute(pool)
    .await
    .unwrap()
    .rows_affected());
    let disabled = browser.sign_in("ana@example.org", PASSWORD).await;
    assert_eq!(notice(&disabled.body), notice(&wrong.body));
}

/// The audit lines of throttled bursts, newest first, as their facts.
async fn throttled_bursts(db: &app::storage::Db) -> Vec<Vec<(AuditFact, String)>> {
    let lines = audit_lines(db, "sign_in_throttled").await;
    lines.into_iter().map(|e| e.facts).collect()
}

fn sign_in_input(email: &str, password: &str) -> SignInInput {
    SignInInput {
        email: email.to_string(),
        password: password.to_string(),
        next: String::new(),
    }
}

#[tokio::test]
async fn repeated_failures_throttle_the_account_from_that_address_and_are_audited() {
    let t = test_db().await;
    add_user(&t.db, "ana@example.org", &[]).await;
    let router = test_router(&t.db);
    let mut browser = Browser::new(&router);
    for _ in 0..throttle::PAIR.attempts {
        let answer = browser.sign_in("ana@example.org", "wrong password!").await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let answer = browser.sign_in("ana@example.org", PASSWORD).await;
    assert_eq!(
        answer.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(answer.body.contains("Wait 15 minutes"), "{}", answer.body);
    assert_eq!(answer.headers[header::RETRY_AFTER], "900");
    // The same for an account that does not exist: throttling reveals nothing either.
    for _ in 0..throttle::PAIR.attempts {
        browser
            .sign_in("ghost@example.org", "wrong password!")
            .await;
    }
    assert_eq!(
        browser
            .sign_in("ghost@example.org", "wrong password!")
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let bursts = throttled_bursts(&t.db).await;
    assert_eq!(bursts.len(), 2, "one audit line per burst: {bursts:?}");
    assert_eq!(
        bursts[0],
        vec![
            (AuditFact::Email, "ghost@example.org".to_string()),
            (AuditFact::Attempts, throttle::PAIR.attempts.to_string()),
            (AuditFact::Limit, "pair".to_string()),
        ],
        "the burst names the typed e-mail, even one without an account"
    );
    // Another account from the same address is not yet affected.
    add_user(&t.db, "ben@example.org", &[]).await;
    assert_eq!(
        browser.sign_in("ben@example.org", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn failures_from_other_addresses_never_lock_out_the_right_password() {
    let t = test_db().await;
    add_user(&t.db, "admin@example.org", &[(Role::Admin, None, None)]).await;
    let wrong = sign_in_input("admin@example.org", "a wrong guess!");
    for _ in 0..throttle::PAIR.attempts {
        let refused = accounts::sign_in(&t.db, "203.0.113.66", &wrong).await;
        assert!(matches!(refused, Err(AppError::Rejected(_))), "{refused:?}");
    }
    let right = sign_in_input("admin@example.org", PASSWORD);
    // Hammering on from that one address, however long, is refused without a check and
    // without counting against the account as a whole.
    for _ in 0..2 * throttle::ACCOUNT.attempts {
        assert!(matches!(
            accounts::sign_in(&t.db, "203.0.113.66", &right).await,
            Err(AppError::Throttled { .. })
        ));
    }
    accounts::sign_in(&t.db, "198.51.100.7", &right)
        .await
        .expect("the owner, from an address that has not been failing, signs in");

    // Guessing spread over many addresses meets the slower limit for the account as a whole.
    let mut checked = 0;
    for i in 0.. {
        let address = format!("203.0.113.{}", i / throttle::PAIR.attempts);
        match accounts::sign_in(&t.db, &address, &wrong).await {
            Err(AppError::Rejected(_)) => checked += 1,
            Err(AppError::Throttled { .. }) => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        checked,
        throttle::ACCOUNT.attempts - throttle::PAIR.attempts,
        "every earlier wrong password counts; refused attempts and the owner's success do not"
    );
    let refused = accounts::sign_in(&t.db, "192.0.2.1", &right).await;
    assert_eq!(
        refused.unwrap_err(),
        AppError::Throttled {
            minutes: throttle::ACCOUNT.window_minutes
        }
    );
}

#[tokio::test]
async fn parallel_guesses_on_two_app_servers_check_no_more_than_the_limit() {
    let t = test_db().await;
    add_user(&t.db, "ana@example.org", &[]).await;
    let second_server = app::storage::Db::connect(&t.url).await.unwrap();
    let guesses = (0..100).map(|i| {
        let db = if i % 2 == 0 {
            t.db.clone()
        } else {
            second_server.clone()
        };
        async move {
            let input = sign_in_input("ana@example.org", &format!("wrong guess {i}"));
            accounts::sign_in(&db, "203.0.113.9", &input).await
        }
    });
    let tasks: Vec<_> = guesses.map(tokio::spawn).collect();
    let mut checked = 0;
    let mut throttled = 0;
    for task in tasks {
        match task.await.unwrap() {
            Err(AppError::Rejected(_)) => checked += 1,
            Err(AppError::Throttled { .. }) => throttled += 1,
            // Past the bound on password hashes running at once: refused unchecked.
            Err(AppError::Busy { .. }) => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(
        checked <= throttle::PAIR.attempts,
        "{checked} passwords were checked"
    );
    assert!(throttled >= 100 - throttle::PAIR.attempts, "{throttled}");
    let bursts = throttled_bursts(&t.db).await;
    let limits: Vec<&str> = bursts
        .iter()
        .map(|facts| {
            facts
                .iter()
                .find(|(fact, _)| *fact == AuditFact::Limit)
                .map(|(_, v)| v.as_str())
                .unwrap()
        })
        .collect();
    let mut sorted = limits.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["address", "pair"],
        "each limit the burst passed is audited once"
    );
    second_server.close().await;
}

#[tokio::test]
async fn many_failures_from_one_address_throttle_it() {
    let t = test_db().await;
    add_user(&t.db, "ana@example.org", &[]).await;
    let router = test_router(&t.db);
    let mut browser = Browser::new(&router);
    for i in 0..throttle::ADDRESS.attempts {
        let email = format!("guess{i}@example.org");
        browser.sign_in(&email, "wrong password!").await;
    }
    let answer = browser.sign_in("ana@example.org", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(count(&t.db, "sessions").await, 0);
}

#[tokio::test]
async fn one_time_links_are_shown_on_the_page_that_made_them_never_put_in_a_cookie() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let ana = add_user(&t.db, "ana@example.org", &[]).await;
    add_user(&t.db, "admin@example.org", &[(Role::Admin, None, None)]).await;
    let router = test_router(&t.db);
    let mut admin = Browser::new(&router);
    admin.sign_in("admin@example.org", PASSWORD).await;
    let fields = [
        ("email", "pat@ministry.example"),
        ("display_name", "Pat"),
        ("role", "reviewer"),
        ("member", "XAA"),
    ];
    for (uri, fields, path) in [
        (
            "/admin/invitations".to_string(),
            &fields[..],
            "/invitations/",
        ),
        (
            format!("/admin/accounts/{ana}/reset-link"),
            &[][..],
            "/password-reset/",
        ),
    ] {
        let answer = admin.post(&uri, fields).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}");
        let link = format!("http://tracker.test{path}");
        let start = answer.body.find(&link).expect("the page shows the link");
        let token = &answer.body[start + link.len()..][..64];
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()), "{token}");
        for cookie in answer.headers.get_all(header::SET_COOKIE) {
            let cookie = cookie.to_str().unwrap();
            assert!(!cookie.contains(token), "{cookie}");
            let hex_token: String = auth::to_hex(token.as_bytes());
            assert!(!cookie.contains(&hex_token), "{cookie}");
        }
        assert!(
            answer.set_cookie("ogp_flash").is_none(),
            "no notice cookie at all"
        );
    }
}

#[tokio::test]
async fn a_forged_notice_cookie_is_ignored() {
    let t = test_db().await;
    let router = test_router(&t.db);
    let mut browser = Browser::new(&router);
    let mut forged = app::page_state::Notice::success(Key::NoticeInvitationCreated);
    forged.link = Some("https://evil.example/invitations/0".into());
    let unsigned = auth::to_hex(&serde_json::to_vec(&forged).unwrap());
    for value in [unsigned.clone(), format!("{unsigned}.{}", "0".repeat(64))] {
        browser.cookies.insert("ogp_flash".into(), value);
        let page = browser.get("/").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("evil.example"), "{}", page.body);
    }
}

#[tokio::test]
async fn an_invitation_works_once_and_sets_name_and_password() {
    let t = test_db().await;
    small_demo(&t.db).await;
    add_user(&t.db, "admin@example.org", &[(Role::Admin, None, None)]).await;
    let router = test_router(&t.db);
    let mut admin = Browser::new(&router);
    admin.sign_in("admin@example.org", PASSWORD).await;
    let (status, json) = admin
        .post_json(
            "/admin/invitations",
            &[
                ("email", "poc@ministry.example"),
                ("display_name", "Pat"),
                ("role", "poc"),
                ("member", "XAA"),
                ("institution", "Ministry of Finance"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let path = link_path(&json);
    assert!(path.starts_with("/invitations/"), "{path}");

    let mut invitee = Browser::new(&router);
    let page = invitee.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"Pat\""), "the name is offered");
    // Before accepting, the account cannot sign in.
    assert_eq!(
        invitee
            .sign_in("poc@ministry.example", "any password at all")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mismatch = invitee
        .post(
            &path,
            &[
                ("display_name", "Pat Q"),
                ("password", "twelve chars!"),
                ("confirmation", "twelve chars?"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.body.contains("the two passwords differ"));
    let accepted = invitee
        .post(
            &path,
            &[
                ("display_name", "Pat Q"),
                ("password", "twelve chars!"),
                ("confirmation", "twelve chars!"),
            ],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let again = invitee
        .post(
            &path,
            &[
                ("display_name", "Mallory"),
                ("password", "another password"),
                ("confirmation", "another password"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("already been used"), "{}", again.body);
    assert!(invitee.get(&path).await.body.contains("already been used"));

    assert_eq!(
        invitee
            .sign_in("poc@ministry.example", "twelve chars!")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let account = invitee.get("/account").await;
    assert!(account.body.contains("Pat Q"));
    assert!(account.body.contains("Government point of contact"));
    assert!(account.body.contains("Ministry of Finance"));
    let actions = audit_actions(&t.db).await;
    assert!(actions.contains(&"invited".to_string()));
    assert!(actions.contains(&"invitation_accepted".to_string()));
}

#[tokio::test]
async fn expired_links_are_refused_and_change_nothing() {
    let t = test_db().await;
    let admin_id = add_user(&t.db, "admin@example.org", &[(Role::Admin, None, None)]).await;
    let router = test_router(&t.db);
    let mut admin = Browser::new(&router);
    admin.sign_in("admin@example.org", PASSWORD).await;
    let (status, json) = admin
        .post_json(&format!("/admin/accounts/{admin_id}/reset-link"), &[])
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let path = link_path(&json);
    assert!(path.starts_with("/password-reset/"));
    on_pool!(&t.db, |pool| sqlx::query(
        "UPDATE account_links SET expires_at = '2000-01-01T00:00:00.000000Z'"
    )
    .execute(pool)
    .await
    .unwrap()
    .rows_affected());
    let hash_before = app::storage::password_hash_of(&mut conn(&t.db).await, admin_id)
        .await
        .unwrap();
    let mut visitor = Browser::new(&router);
    assert!(visitor
        .get(&path)
        .await
        .body
        .contains("This link has expired"));
    let answer = visitor
        .post(
            &path,
            &[
                ("password", "a brand new password"),
                ("confirmation", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("This link has expired"));
    assert_eq!(
        app::storage::password_hash_of(&mut conn(&t.db).await, admin_id)
            .await
            .unwrap(),
        hash_before
    );
    // A made-up token is simply not found.
    let unknown = format!("/password-reset/{}", "ab".repeat(32));
    assert_eq!(visitor.get(&unknown).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_ends_sessions_and_only_the_latest_works() {
    let t = test_db().await;
    let admin_id = add_user(&t.db, "admin@example.org", &[(Role::Admin, None, None)]).await;
    let ana = add_user(&t.db, "ana@example.org", &[]).await;
    let router = test_router(&t.db);
    let mut admin = Browser::new(&router);
    admin.sign_in("admin@example.org", PASSWORD).await;
    let mut ana_browser = Browser::new(&router);
    ana_browser.sign_in("ana@example.org", PASSWORD).await;
    let (_, first) = admin
        .post_json(&format!("/admin/accounts/{ana}/reset-link"), &[])
        .await;
    let (_, second) = admin
        .post_json(&format!("/admin/accounts/{ana}/reset-link"), &[])
        .await;
    let fields = [
        ("password", "fresh password 2026"),
        ("confirmation", "fresh password 2026"),
    ];
    let mut visitor = Browser::new(&router);
    assert_eq!(
        visitor.post(&link_path(&first), &fields).await.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a newer link replaces the older one"
    );
    assert_eq!(
        visitor.post(&link_path(&second), &fields).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        ana_browser.get("/account").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        visitor
            .sign_in("ana@example.org", "fresh password 2026")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let _ = admin_id;
}

#[tokio::test]
async fn changing_a_password_needs_the_current_one() {
    let t = test_db().await;
    add_user(&t.db, "ana@example.org", &[]).await;
    let router = test_router(&t.db);
    let mut browser = Browser::new(&router);
    browser.sign_in("ana@example.org", PASSWORD).await;
    let wrong = browser
        .post(
            "/account/password",
            &[
                ("current", "not it at all"),
                ("password", "new password 2026"),
                ("confirmation", "new password 2026"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("the current password is not correct"));
    let short = browser
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("password", "short"),
                ("confirmation", "short"),
            ],
        )
        .await;
    assert!(short.body.contains("use at least 12 characters"));
    let done = browser
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("password", "new password 2026"),
                ("confirmation", "new password 2026"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let mut fresh = Browser::new(&router);
    assert_eq!(
        fresh.sign_in("ana@example.org", PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        fresh
            .sign_in("ana@example.org", "new password 2026")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_password_change_ends_every_other_session_and_its_check_is_throttled() {
    let t = test_db().await;
    add_user(&t.db, "ana@example.org", &[]).await;
    let router = test_router(&t.db);
    let mut here = Browser::new(&router);
    let mut elsewhere = Browser::new(&router);
    here.sign_in("ana@example.org", PASSWORD).await;
    elsewhere.sign_in("ana@example.org", PASSWORD).await;
    let old_session = here.cookies["ogp_session"].clone();
    let change = [
        ("current", PASSWORD),
        ("password", "new password 2026"),
        ("confirmation", "new password 2026"),
    ];
    let done = here.post("/account/password", &change).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_ne!(here.cookies["ogp_session"], old_session, "rotated");
    assert_eq!(here.get("/account").await.status, StatusCode::OK);
    assert_eq!(
        elsewhere.get("/account").await.status,
        StatusCode::UNAUTHORIZED,
        "the other browser is signed out"
    );
    assert_eq!(count(&t.db, "sessions").await, 1);

    // Wrong current passwords count like failed sign-ins: past the limit even the right
    // one waits.
    let wrong = [
        ("current", "not it at all"),
        ("password", "another password 2026"),
        ("confirmation", "another password 2026"),
    ];
    for _ in 0..throttle::PAIR.attempts {
        let answer = here.post("/account/password", &wrong).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let right = [
        ("current", "new password 2026"),
        ("password", "another password 2026"),
        ("confirmation", "another password 2026"),
    ];
    let answer = here.post("/account/password", &right).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled_bursts(&t.db).await.len(), 1);
}

#[tokio::test]
async fn admins_grant_revoke_and_disable_and_every_change_is_audited() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let admin_id = add_user(&t.db, "admin@example.org", &[(Role::Admin, None, None)]).await;
    let ana = add_user(&t.db, "ana@example.org", &[]).await;
    let router = test_router(&t.db);
    let mut admin = Browser::new(&router);
    admin.sign_in("admin@example.org", PASSWORD).await;
    let mut ana_browser = Browser::new(&router);
    ana_browser.sign_in("ana@example.org", PASSWORD).await;

    let grant_path = format!("/admin/accounts/{ana}/grants");
    let missing_member = admin
        .post(&grant_path, &[("role", "reviewer"), ("member", "")])
        .await;
    assert_eq!(missing_member.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing_member.body.contains("choose the member"),
        "{}",
        missing_member.body
    );
    let unknown_member = admin
        .post(&grant_path, &[("role", "reviewer"), ("member", "ZZZ")])
        .await;
    assert!(unknown_member.body.contains("no member has this code"));
    let bad_role = admin
        .post(&grant_path, &[("role", "king"), ("member", "XAA")])
        .await;
    assert!(bad_role.body.contains("choose one of the listed roles"));
    let granted = admin
        .post(&grant_path, &[("role", "reviewer"), ("member", "XAA")])
        .await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER);
    let twice = admin
        .post(&grant_path, &[("role", "reviewer"), ("member", "XAA")])
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(ana_browser
        .get("/account")
        .await
        .body
        .contains("Civil-society reviewer"));

    let grants = app::storage::grants_of(&mut conn(&t.db).await, ana)
        .await
        .unwrap();
    let revoked = admin
        .post(&format!("/admin/grants/{}/revoke", grants[0].id), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert!(app::storage::grants_of(&mut conn(&t.db).await, ana)
        .await
        .unwrap()
        .is_empty());

    // The demo admin aside, this is the installation's only admin.
    on_pool!(&t.db, |pool| sqlx::query(
        "DELETE FROM role_grants WHERE role = 'admin' AND user_id <> $1"
    )
    .bind(admin_id)
    .execute(pool)
    .await
    .unwrap()
    .rows_affected());
    let own_admin_grant = app::storage::grants_of(&mut conn(&t.db).await, admin_id)
        .await
        .unwrap()[0]
        .id;
    let last = admin
        .post(&format!("/admin/grants/{own_admin_grant}/revoke"), &[])
        .await;
    assert_eq!(
        last.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the last admin stays"
    );
    assert_eq!(
        app::storage::grants_of(&mut conn(&t.db).await, admin_id)
            .await
            .unwrap()
            .len(),
        1
    );

    let self_disable = admin
        .post(
            &format!("/admin/accounts/{admin_id}/disabled"),
            &[("disabled", "true")],
        )
        .await;
    assert_eq!(self_disable.status, StatusCode::UNPROCESSABLE_ENTITY);
    let disabled = admin
        .post(
            &format!("/admin/accounts/{ana}/disabled"),
            &[("disabled", "true")],
        )
        .await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    assert_eq!(
        ana_browser.get("/account").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        ana_browser
            .sign_in("ana@example.org", PASSWORD)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    admin
        .post(
            &format!("/admin/accounts/{ana}/disabled"),
            &[("disabled", "false")],
        )
        .await;
    assert_eq!(
        ana_browser
            .sign_in("ana@example.org", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let actions = audit_actions(&t.db).await;
    for action in [
        "role_granted",
        "role_revoked",
        "account_disabled",
        "account_enabled",
    ] {
        assert!(
            actions.contains(&action.to_string()),
            "{action} in {actions:?}"
        );
    }
    let log = admin.get("/admin/audit").await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(
        log.body
            .contains("data-action=\"role_revoked\">Role revoked<"),
        "labelled"
    );
    assert!(log.body.contains("ana@example.org"));

    // Lines record facts, not sentences: the page names them in the reader's language.
    let (entries, _) = app::storage::audit_page(&mut conn(&t.db).await, 500, 0)
        .await
        .unwrap();
    let line = |action: &str| {
        entries
            .iter()
            .find(|e| e.action == action)
            .unwrap_or_else(|| panic!("no {action} line"))
            .facts
            .clone()
    };
    let reviewer_of_xaa = vec![
        (AuditFact::Role, "reviewer".to_string()),
        (AuditFact::Member, "XAA".to_string()),
    ];
    assert_eq!(line("role_granted"), reviewer_of_xaa);
    assert_eq!(line("role_revoked"), reviewer_of_xaa);
    assert_eq!(
        line("account_disabled"),
        vec![(AuditFact::Sessions, "1".to_string())],
        "Ana's one session ended"
    );
    assert!(line("account_enabled").is_empty());
    assert!(
        log.body.contains("data-fact=\"role\">Role<")
            && log.body.contains(">Civil-society reviewer<"),
        "{}",
        log.body
    );
    admin.get("/language/es").await;
    let spanish = admin.get("/admin/audit").await.body;
    assert!(
        spanish.contains("data-fact=\"role\">Función<")
            && spanish.contains(">Revisor de la sociedad civil<"),
        "{spanish}"
    );

    let mut public = Browser::new(&router);
    assert_eq!(
        public.get("/admin/audit").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        ana_browser.get("/admin/audit").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn public_pages_name_role_and_institution_never_the_email() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let (milestone, commitment, lead): (i64, String, String) =
        on_pool!(&t.db, |pool| sqlx::query_as(
            "SELECT ms.id, c.code, c.lead_institution FROM milestones ms
         JOIN commitments c ON c.id = ms.commitment_id
         WHERE c.code LIKE 'XAA%' AND c.lead_institution IS NOT NULL ORDER BY ms.id LIMIT 1",
        )
        .fetch_one(pool)
        .await
        .unwrap());
    add_user(
        &t.db,
        "pat.secret@ministry.example",
        &[(Role::Poc, Some("XAA"), Some(&lead))],
    )
    .await;
    let router = test_router(&t.db);
    let mut poc = Browser::new(&router);
    poc.sign_in("pat.secret@ministry.example", PASSWORD).await;
    let page = poc.get(&format!("/commitments/{commitment}")).await;
    let form = format!("action=\"/milestones/{milestone}/updates\"");
    assert!(page.body.contains(&form), "the POC sees the edit control");
    let version = milestone_version(&t.db, milestone).await.to_string();
    let bad = poc
        .post(
            &format!("/milestones/{milestone}/updates"),
            &[
                ("status", "in_progress"),
                ("progress", "150"),
                ("narrative", "Done"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body
            .contains("Progress (%): enter a whole number from 0 to 100."),
        "field and reason"
    );
    assert!(
        bad.body.contains(">Done</textarea>"),
        "what was typed is kept"
    );
    let saved = poc
        .post(
            &format!("/milestones/{milestone}/updates"),
            &[
                ("status", "completed"),
                ("progress", "100"),
                ("narrative", "Law published in the gazette"),
                (
                    "evidence",
                    "https://example.org/gazette/2026-12 Official gazette",
                ),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let mut public = Browser::new(&router);
    let page = public.get(&format!("/commitments/{commitment}")).await;
    assert!(page.body.contains("Law published in the gazette"));
    // The author is stored as facts and said in the reader's language, the institution
    // isolated so that its own direction holds.
    assert!(page.body.contains(&format!(
        "Government point of contact, \u{2068}{lead}\u{2069}"
    )));
    public.headers = vec![("accept-language", "es")];
    let page = public.get(&format!("/commitments/{commitment}")).await;
    assert!(page.body.contains(&format!(
        "Punto de contacto del gobierno, \u{2068}{lead}\u{2069}"
    )));
    public.headers = vec![("accept-language", "ar")];
    let page = public.get(&format!("/commitments/{commitment}")).await;
    assert!(page
        .body
        .contains(&format!("نقطة اتصال حكومية، \u{2068}{lead}\u{2069}")));
    let stored: i64 = scalar(
        &t.db,
        "SELECT COUNT(*) FROM progress_updates WHERE author_role = 'poc' AND author_id IS NOT NULL",
    )
    .await;
    assert_eq!(stored, 1);
    assert!(
        !page.body.contains("pat.secret"),
        "no e-mail on public pages"
    );
    assert!(
        !page.body.contains(&form),
        "the public sees no edit control"
    );
}

#[tokio::test]
async fn expired_sessions_open_nothing_and_are_swept() {
    let t = test_db().await;
    add_user(&t.db, "ana@example.org", &[]).await;
    let router = test_router(&t.db);
    let mut browser = Browser::new(&router);
    browser.sign_in("ana@example.org", PASSWORD).await;
    on_pool!(&t.db, |pool| sqlx::query(
        "UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000000Z'"
    )
    .execute(pool)
    .await
    .unwrap()
    .rows_affected());
    let answer = browser.get("/account").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(
        !browser.cookies.contains_key("ogp_session"),
        "the dead cookie is cleared"
    );
    let (sessions, _) = auth::sweep(&t.db).await.unwrap();
    assert_eq!(sessions, 1);
    assert_eq!(count(&t.db, "sessions").await, 0);
}

#[tokio::test]
async fn cookies_are_secure_behind_a_trusted_https_proxy() {
    let t = test_db().await;
    add_user(&t.db, "ana@example.org", &[]).await;
    let options = leptos::config::LeptosOptions::builder()
        .output_name("ogp-tracker")
        .build();
    let mut state = ogp_tracker::http::AppState::new(options, t.db.clone());
    state.trusted_proxy_hops = 1;
    let router = ogp_tracker::http::router(state);
    let mut browser = Browser::new(&router);
    browser.headers = vec![("x-forwarded-proto", "https")];
    let page = browser.get("/").await;
    assert_eq!(
        page.headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
    let csrf = page.set_cookie("__Host-ogp_csrf").unwrap();
    assert!(
        csrf.contains("; Path=/;") && csrf.contains("; Secure"),
        "{csrf}"
    );
    let answer = browser.sign_in("ana@example.org", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let session = answer.set_cookie("__Host-ogp_session").unwrap();
    assert!(session.contains("; Secure"), "{session}");
    assert!(!session.contains("Domain"), "{session}");
    assert_eq!(browser.get("/account").await.status, StatusCode::OK);
    // Over plain HTTP none of this applies (nor would a browser keep a `__Host-` cookie).
    let mut plain = Browser::new(&test_router(&t.db));
    let page = plain.get("/").await;
    assert!(page.set_cookie("ogp_csrf").is_some());
    assert!(!page.headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
}

#[tokio::test]
async fn pages_allow_only_their_own_nonced_scripts_and_are_never_framed() {
    let t = test_db().await;
    let router = test_router(&t.db);
    let mut browser = Browser::new(&router);
    // A refused sign-in is shown where it was posted, and its page loads the script that
    // turns the post into a plain visit.
    let page = browser
        .sign_in("nobody@example.org", "wrong password")
        .await;
    let policy = page.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let script_src = policy
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let nonce = script_src
        .split_whitespace()
        .find_map(|s| s.strip_prefix("'nonce-"))
        .and_then(|s| s.strip_suffix('\''))
        .expect("a nonce in script-src");
    assert!(
        page.body.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry it"
    );
    let scripts = page.body.matches("<script").count();
    let nonced = page.body.matches(&format!("nonce=\"{nonce}\"")).count();
    assert!(
        scripts > 0 && nonced >= scripts,
        "{scripts} scripts, {nonced} with the nonce"
    );
    assert_ne!(
        browser.get("/sign-in").await.headers["content-security-policy"],
        page.headers["content-security-policy"],
        "a new nonce per page"
    );
    let api = browser.get("/api/overview").await;
    assert_eq!(
        api.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .split(';')
            .next(),
        Some("default-src 'none'")
    );
    assert_eq!(api.headers["x-frame-options"], "DENY");
}

/// An admin acting through the site, as the commands see them.
async fn admin_actor(db: &app::storage::Db, user_id: i64) -> Actor {
    let account = app::storage::account(&mut conn(db).await, user_id)
        .await
        .unwrap()
        .unwrap();
    let viewer = Viewer {
        user_id,
        display_name: account.display_name,
        grants: account.grants,
    };
    Actor::visitor(Some(viewer), "198.51.100.20")
}

fn admin_grant(account: &app::domain::Account) -> i64 {
    account
        .grants
        .iter()
        .find(|g| g.role == Role::Admin)
        .unwrap()
        .id
}

#[tokio::test]
async fn at_least_one_enabled_admin_always_remains() {
    let t = test_db().await;
    let admin = [(Role::Admin, None, None)];
    let (ana, ben, cy) = (
        add_user(&t.db, "ana@example.org", &admin).await,
        add_user(&t.db, "ben@example.org", &admin).await,
        add_user(&t.db, "cy@example.org", &admin).await,
    );
    let account = |id| {
        let db = t.db.clone();
        async move {
            app::storage::account(&mut conn(&db).await, id)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let disable = DisabledInput {
        disabled: "true".into(),
    };
    // A disabled admin's grant does not count: with Cy disabled, Ana and Ben are the last.
    admin::set_disabled(&t.db, &admin_actor(&t.db, ana).await, cy, &disable)
        .await
        .unwrap();

    // Ana and Ben revoke each other's admin role at the same moment: one of them wins.
    let (as_ana, as_ben) = (admin_actor(&t.db, ana).await, admin_actor(&t.db, ben).await);
    let (anas, bens) = (
        admin_grant(&account(ana).await),
        admin_grant(&account(ben).await),
    );
    let (by_ana, by_ben) = tokio::join!(
        admin::revoke(&t.db, &as_ana, bens),
        admin::revoke(&t.db, &as_ben, anas),
    );
    assert_eq!(
        [by_ana.is_ok(), by_ben.is_ok()]
            .iter()
            .filter(|ok| **ok)
            .count(),
        1,
        "{by_ana:?} {by_ben:?}"
    );
    let refused = if by_ana.is_err() { by_ana } else { by_ben };
    assert_eq!(
        refused.unwrap_err(),
        AppError::invalid("grant", Key::ErrLastAdmin)
    );
    let enabled = app::storage::enabled_admin_count(&mut conn(&t.db).await)
        .await
        .unwrap();
    assert_eq!(enabled, 1);

    // Two enabled admins disabling each other at the same moment: one of them wins.
    admin::set_disabled(
        &t.db,
        &Actor::CommandLine,
        cy,
        &DisabledInput {
            disabled: "false".into(),
        },
    )
    .await
    .unwrap();
    let last = if account(ana).await.grants.is_empty() {
        ben
    } else {
        ana
    };
    let (as_last, as_cy) = (admin_actor(&t.db, last).await, admin_actor(&t.db, cy).await);
    let (by_last, by_cy) = tokio::join!(
        admin::set_disabled(&t.db, &as_last, cy, &disable),
        admin::set_disabled(&t.db, &as_cy, last, &disable),
    );
    assert_eq!(
        [by_last.is_ok(), by_cy.is_ok()]
            .iter()
            .filter(|ok| **ok)
            .count(),
        1,
        "{by_last:?} {by_cy:?}"
    );
    let enabled = app::storage::enabled_admin_count(&mut conn(&t.db).await)
        .await
        .unwrap();
    assert_eq!(enabled, 1, "never none");
}

#[tokio::test]
async fn anonymous_writes_are_refused_before_their_body_is_read() {
    let t = test_db().await;
    let router = test_router(&t.db);
    let mut browser = Browser::new(&router);
    let token = browser.csrf().await;
    let huge = format!("_csrf={token}&email={}", "a".repeat(2 << 20));
    let refused = browser
        .post_raw("/admin/invitations", huge.clone(), &[])
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNAUTHORIZED,
        "refused for want of a session, not for the size it never read"
    );
    assert!(refused.body.contains("data-error=\"err_sign_in_required\""));
    let read = browser.post_raw("/sign-in", huge.clone(), &[]).await;
    assert_eq!(
        read.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "sign-in is open"
    );
    let mut cookieless = Browser::new(&router);
    let refused = cookieless.post_raw("/sign-in", huge, &[]).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "no CSRF cookie at all"
    );
}

#[tokio::test]
async fn pages_carry_a_freshly_masked_csrf_token_and_only_a_masked_one_is_accepted() {
    let t = test_db().await;
    add_user(&t.db, "ana@example.org", &[]).await;
    let router = test_router(&t.db);
    let mut browser = Browser::new(&router);
    let first = page_csrf_token(&browser.get("/sign-in").await.body);
    let second = page_csrf_token(&browser.get("/sign-in").await.body);
    let cookie = browser.cookies["ogp_csrf"].clone();
    assert_ne!(first, second, "masked afresh for every page");
    assert!(!first.contains(&cookie) && !second.contains(&cookie));
    let sign_in = |token: &str| {
        serde_urlencoded::to_string([
            ("_csrf", token),
            ("email", "ana@example.org"),
            ("password", PASSWORD),
        ])
        .unwrap()
    };
    let raw = browser.post_raw("/sign-in", sign_in(&cookie), &[]).await;
    assert_eq!(
        raw.status,
        StatusCode::FORBIDDEN,
        "the bare token is never in a page"
    );
    let answer = browser.post_raw("/sign-in", sign_in(&first), &[]).await;
    assert_eq!(
        answer.status,
        StatusCode::SEE_OTHER,
        "an older page's token still works"
    );
}

#[tokio::test]
async fn unreadable_forms_and_addresses_get_a_short_translated_answer() {
    let t = test_db().await;
    let ana = add_user(&t.db, "ana@example.org", &[]).await;
    add_user(&t.db, "admin@example.org", &[(Role::Admin, None, None)]).await;
    let router = test_router(&t.db);
    let mut admin = Browser::new(&router);
    admin.sign_in("admin@example.org", PASSWORD).await;
    // A field sent twice is no form a page makes.
    let twice = [("disabled", "true"), ("disabled", "false")];
    let unreadable = admin
        .post(&format!("/admin/accounts/{ana}/disabled"), &twice)
        .await;
    assert_eq!(unreadable.status, StatusCode::BAD_REQUEST);
    assert!(unreadable
        .body
        .contains("data-error=\"err_malformed_form\""));
    assert!(
        !unreadable.body.contains("duplicate"),
        "{}",
        unreadable.body
    );
    let not_an_id = admin
        .post("/admin/accounts/abc/disabled", &[("disabled", "true")])
        .await;
    assert_eq!(not_an_id.status, StatusCode::NOT_FOUND);
    assert!(!not_an_id.body.contains("parse"), "{}", not_an_id.body);
    admin.headers = vec![("accept-language", "es")];
    let spanish = admin
        .post(&format!("/admin/accounts/{ana}/disabled"), &twice)
        .await;
    assert!(
        spanish.body.contains("No se pudo leer el formulario"),
        "{}",
        spanish.body
    );

    // Server functions: unreadable arguments are 400, reads that need a role say so.
    let mut visitor = Browser::new(&router);
    let bad = visitor.get("/api/members?page=abc").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.body.contains("err_malformed_request"), "{}", bad.body);
    assert!(!bad.body.contains("invalid digit"), "{}", bad.body);
    let denied = visitor.get("/api/admin/accounts").await;
    assert_eq!(denied.status, StatusCode::UNAUTHORIZED, "{}", denied.body);
}

#[tokio::test]
async fn past_its_limits_the_server_answers_503_with_retry_after() {
    let t = test_db().await;
    let options = leptos::config::LeptosOptions::builder()
        .output_name("ogp-tracker")
        .build();
    let mut full = ogp_tracker::http::AppState::new(options.clone(), t.db.clone());
    full.set_limits(ogp_tracker::limits::Limits {
        concurrent_requests: 0,
        ..Default::default()
    });
    let answer = Browser::new(&ogp_tracker::http::router(full))
        .get("/")
        .await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.headers[header::RETRY_AFTER], "2");
    assert!(answer.body.contains("data-error=\"err_server_busy\""));

    let mut slow = ogp_tracker::http::AppState::new(options, t.db.clone());
    slow.set_limits(ogp_tracker::limits::Limits {
        timeout: std::time::Duration::ZERO,
        ..Default::default()
    });
    let answer = Browser::new(&ogp_tracker::http::router(slow))
        .get("/members")
        .await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(answer.body.contains("data-error=\"err_timeout\""));
}

/// The browser loads the WASM only for a page that may have something for it to do: one
/// shown to someone signed in (where islands, forms checked as people type, are), or one
/// answering a post. What the public reads loads none; no page has islands without it.
#[tokio::test]
async fn only_pages_for_someone_signed_in_or_answering_a_post_load_the_script() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let milestone = open_demo_milestone(&t.db).await;
    let router = test_router(&t.db);
    let commitment = format!("/commitments/{}", milestone.code);
    // Leptos' own inline bootstrap (`__RESOLVED_RESOURCES=[]`, a few bytes) is on every
    // page; the script that loads and hydrates the WASM is not.
    let loads_script =
        |body: &str| body.contains("rel=\"modulepreload\"") && body.contains(".wasm");
    let has_islands = |body: &str| body.contains("<leptos-island");

    let mut public = Browser::new(&router);
    for path in ["/", "/members", commitment.as_str(), "/sign-in"] {
        let page = public.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            !page.body.contains("modulepreload")
                && !page.body.contains(".wasm")
                && !has_islands(&page.body),
            "{path} loads a script"
        );
        // Its policy allows its inline scripts by their nonce, and no script file or WASM.
        let policy = page.headers["content-security-policy"].to_str().unwrap();
        let script_src = policy
            .split(';')
            .find(|d| d.contains("script-src"))
            .unwrap();
        assert!(
            !script_src.contains("'self'") && !script_src.contains("wasm"),
            "{policy}"
        );
    }

    let mut poc = signed_in_poc(&t.db, &router, "keeper@xaa.example", &milestone.lead).await;
    let pages = [
        "/".to_string(),
        commitment.clone(),
        format!("{commitment}/milestones"),
        format!("/milestones/{}/updates", milestone.id),
        "/account".to_string(),
    ];
    for path in &pages {
        let page = poc.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(loads_script(&page.body), "{path}");
        let policy = page.headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    }
    // Every milestone the point of contact keeps has an update form, an island.
    assert!(has_islands(&poc.get(&commitment).await.body));

    // A refused post is shown where it was posted: the script turns it into a plain visit.
    let mut stranger = Browser::new(&router);
    let refused = stranger
        .sign_in("nobody@example.org", "wrong password")
        .await;
    assert!(refused.status.is_client_error());
    assert!(loads_script(&refused.body));
    // A session that ended elsewhere (here: every session gone): the first page after it
    // forgets the drafts kept in the browser, and is not a kept page.
    let mut other = signed_in_poc(&t.db, &router, "other@xaa.example", &milestone.lead).await;
    other.get("/").await;
    on_pool!(&t.db, |pool| {
        sqlx::query("DELETE FROM sessions")
            .execute(pool)
            .await
            .unwrap();
    });
    let ended = other.get("/").await;
    assert!(loads_script(&ended.body), "the page after a session ended");
    assert_ne!(
        ended
            .headers
            .get(ogp_tracker::page_cache::CACHE_HEADER)
            .map(|v| v.to_str().unwrap()),
        Some("hit")
    );
    assert!(!loads_script(&other.get("/").await.body));
    // Signing out leaves a notice: that page forgets the drafts kept in the browser.
    poc.post("/sign-out", &[]).await;
    assert!(loads_script(&poc.get("/").await.body));
    assert!(!loads_script(&poc.get("/").await.body));
}

/// The WASM holds no text: a page that loads it carries the texts of its own language, every
/// key in order, for its islands, written so that no text can end the element; a page that
/// loads no script carries none.
#[tokio::test]
async fn a_page_that_loads_the_script_carries_the_texts_of_its_language_alone() {
    use app::i18n::{text, Lang, PAGE_TEXTS_ID};
    let t = test_db().await;
    small_demo(&t.db).await;
    let milestone = open_demo_milestone(&t.db).await;
    let router = test_router(&t.db);
    let commitment = format!("/commitments/{}", milestone.code);
    let public = Browser::new(&router).get(&commitment).await;
    assert!(public.page_texts.is_none() && !public.body.contains(PAGE_TEXTS_ID));

    let mut poc = signed_in_poc(&t.db, &router, "keeper@xaa.example", &milestone.lead).await;
    for lang in Lang::ALL {
        poc.headers = vec![("accept-language", lang.code())];
        let page = poc.get(&commitment).await;
        assert_eq!(page.status, StatusCode::OK);
        let opening = format!("<script type=\"application/json\" id=\"{PAGE_TEXTS_ID}\"");
        assert!(page.body.contains(&opening), "{lang:?}: in the page's head");
        let json = page.page_texts.expect("the page's texts");
        assert!(!json.contains('<'), "{json}");
        let texts: Vec<String> = serde_json::from_str(&json).unwrap();
        let expected: Vec<&str> = Key::ALL.iter().map(|key| text(lang, *key)).collect();
        assert_eq!(texts, expected, "{lang:?}");
        if lang != Lang::En {
            assert!(!json.contains(text(Lang::En, Key::NavMembers)), "{lang:?}");
        }
    }
}
