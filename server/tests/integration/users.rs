//! `ogp-tracker user add` and `user reset-link`.

use crate::browser::*;
use crate::common::*;
use app::domain::{AuditFact, VIA_COMMAND_LINE};
use axum::http::StatusCode;
use ogp_tracker::cli::{CliError, UserCommand};
use ogp_tracker::users;

fn add(email: &str, role: &str, member: Option<&str>) -> UserCommand {
    add_with(email, role, member, None, None)
}

fn add_with(
    email: &str,
    role: &str,
    member: Option<&str>,
    institution: Option<String>,
    name: Option<&str>,
) -> UserCommand {
    UserCommand::Add {
        email: email.into(),
        role: role.into(),
        member: member.map(str::to_string),
        institution,
        name: name.map(str::to_string),
        public_url: "https://tracker.example/".into(),
    }
}

#[tokio::test]
async fn the_first_admin_comes_from_the_command_line_with_a_one_time_link() {
    let t = test_db().await;
    let out = users::run(&t.db, add("Root@Example.org", "admin", None))
        .await
        .unwrap();
    assert!(
        out.contains("root@example.org now holds the admin role."),
        "{out}"
    );
    let (entries, _) = app::storage::audit_page(&mut conn(&t.db).await, 10, 0)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].facts,
        vec![
            (AuditFact::Role, "admin".to_string()),
            (AuditFact::Via, VIA_COMMAND_LINE.to_string()),
        ]
    );
    assert_eq!(entries[0].address, None);
    let link = out
        .lines()
        .last()
        .unwrap()
        .split_whitespace()
        .last()
        .unwrap()
        .to_string();
    assert!(
        link.starts_with("https://tracker.example/invitations/"),
        "{link}"
    );
    let path = link.trim_start_matches("https://tracker.example");

    let router = test_router(&t.db);
    let mut browser = Browser::new(&router);
    let accepted = browser
        .post(
            path,
            &[
                ("display_name", "Root"),
                ("password", PASSWORD),
                ("confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    browser.sign_in("root@example.org", PASSWORD).await;
    assert_eq!(browser.get("/admin/accounts").await.status, StatusCode::OK);

    // A second role for the same person adds a grant and needs no new link.
    import_small(&t.db).await;
    let out = users::run(&t.db, add("root@example.org", "reviewer", Some("arg")))
        .await
        .unwrap();
    assert!(!out.contains("/invitations/"), "{out}");
    assert_eq!(
        app::storage::grants_of(&mut conn(&t.db).await, 1)
            .await
            .unwrap()
            .len(),
        2
    );

    let reset = users::run(
        &t.db,
        UserCommand::ResetLink {
            email: "root@example.org".into(),
            public_url: "https://tracker.example".into(),
        },
    )
    .await
    .unwrap();
    assert!(
        reset.contains("https://tracker.example/password-reset/"),
        "{reset}"
    );
}

async fn import_small(db: &app::storage::Db) {
    ogp_tracker::import::import_file(db, &shared_data(CURRENT), false)
        .await
        .unwrap();
}

#[tokio::test]
async fn bad_arguments_are_explained_and_change_nothing() {
    let t = test_db().await;
    import_small(&t.db).await;
    let cases = [
        (add("not-an-email", "admin", None), "--email"),
        (add("a@example.org", "king", None), "--role"),
        (add("a@example.org", "poc", None), "--member"),
        (
            add("a@example.org", "poc", Some("ZZZ")),
            "--member: no member has this code",
        ),
        (
            add_with(
                "a@example.org",
                "poc",
                Some("ARG"),
                Some("Ministry ".repeat(30)),
                None,
            ),
            "--institution: this is too long",
        ),
        (
            add_with("a@example.org", "admin", None, None, Some("   ")),
            "--name: this field is required",
        ),
        (
            UserCommand::ResetLink {
                email: "nobody@example.org".into(),
                public_url: "http://x".into(),
            },
            "--email: no account has this e-mail address",
        ),
    ];
    for (command, expected) in cases {
        match users::run(&t.db, command).await {
            Err(CliError::Invalid(message)) => assert!(message.contains(expected), "{message}"),
            other => panic!("expected an error naming {expected}, got {other:?}"),
        }
    }
    assert_eq!(count(&t.db, "users").await, 0);
    assert_eq!(count(&t.db, "role_grants").await, 0);
}
