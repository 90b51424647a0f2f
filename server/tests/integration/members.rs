//! Members created and edited by admins, through the site and the command line.

use crate::browser::*;
use crate::common::*;
use app::domain::Role;
use app::error::AppError;
use app::i18n::Key;
use app::input::MemberInput;
use axum::http::StatusCode;
use ogp_tracker::commands::{members, Actor};

/// The `id`s of the form controls a page marks as invalid.
fn invalid_fields(html: &str) -> Vec<String> {
    html.split('<')
        .filter(|tag| {
            (tag.starts_with("input ") || tag.starts_with("select "))
                && tag.contains("aria-invalid=\"true\"")
        })
        .filter_map(|tag| {
            let start = tag.find("id=\"")? + 4;
            let end = start + tag[start..].find('"')?;
            Some(tag[start..end].to_string())
        })
        .collect()
}

fn fields<'a>(code: &'a str, name: &'a str, prefix: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", code),
        ("name", name),
        ("kind", "local"),
        ("region", "americas"),
        ("prefix", prefix),
    ]
}

#[tokio::test]
async fn an_admin_creates_and_edits_a_member_and_each_change_is_history() {
    let t = test_db().await;
    add_user(&t.db, "admin@example.org", &[(Role::Admin, None, None)]).await;
    let router = test_router(&t.db);
    let mut admin = Browser::new(&router);
    admin.sign_in("admin@example.org", PASSWORD).await;

    let empty = admin.get("/admin/members").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        empty.body.contains("class=\"empty\""),
        "an empty list says so"
    );
    let created = admin
        .post(
            "/admin/members",
            &fields("mx-cdmx", "Ciudad de México", "cdmx"),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location(), "/admin/members/MX-CDMX");
    let page = admin.get("/admin/members/MX-CDMX").await;
    assert!(page
        .body
        .contains("The member \u{2068}Ciudad de México\u{2069} was created."));
    let public = Browser::new(&router).get("/members/ciudad-de-mexico").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("Ciudad de México"));

    // Refused, with the field and the reason, and nothing written.
    let before = counts(&t.db).await;
    for (body, field, status) in [
        (fields("MX-CDMX", "Otra", "OTRA"), "code", 409),
        (fields("MX-2", "Ciudad de Mexico", "OTRA"), "name", 409),
        (fields("MX-3", "Otra", "CDMX"), "prefix", 409),
        (fields("M", "Otra", "OTRA"), "code", 422),
        (fields("MX-4", "Otra", "A1"), "prefix", 422),
    ] {
        let answer = admin.post("/admin/members", &body).await;
        assert_eq!(answer.status.as_u16(), status, "{field}: {}", answer.body);
        assert_eq!(invalid_fields(&answer.body), [field], "{}", answer.body);
    }
    assert_eq!(counts(&t.db).await, before);

    // An edit from the version the form showed; a second one from the same version is stale.
    let version = app::storage::member_for_edit(&mut conn(&t.db).await, "MX-CDMX")
        .await
        .unwrap()
        .unwrap()
        .2
        .to_string();
    let mut edit = fields("ignored", "Ciudad de México (CDMX)", "CDMX");
    edit.push(("version", &version));
    let saved = admin.post("/admin/members/MX-CDMX", &edit).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stale = admin.post("/admin/members/MX-CDMX", &edit).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    // The refused form carries the current version: saving it again goes through.
    let current = app::storage::member_for_edit(&mut conn(&t.db).await, "MX-CDMX")
        .await
        .unwrap()
        .unwrap()
        .2;
    assert!(stale
        .body
        .contains(&format!("name=\"version\" value=\"{current}\"")));
    let member = app::storage::member_by_code(&mut conn(&t.db).await, "MX-CDMX")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(member.name, "Ciudad de México (CDMX)", "the code stays");
    let entries = scalar(
        &t.db,
        "SELECT COUNT(*) FROM change_entries WHERE record = 'member'",
    )
    .await;
    assert_eq!(entries, 2, "created, then the name changed");
    assert_eq!(
        admin.post("/admin/members/NOPE", &edit).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_command_line_creates_a_member_with_the_same_checks() {
    let t = test_db().await;
    let input = MemberInput {
        code: "ury".into(),
        name: "Uruguay".into(),
        kind: "national".into(),
        region: String::new(),
        prefix: "uy".into(),
        version: String::new(),
    };
    let member = members::add(&t.db, &Actor::CommandLine, &input)
        .await
        .unwrap();
    assert_eq!((member.code.as_str(), member.region), ("URY", None));
    assert_eq!(
        members::add(&t.db, &Actor::CommandLine, &input).await,
        Err(AppError::conflict(
            MemberInput::code,
            Key::ErrMemberCodeTaken
        ))
    );
    let cause: String = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT cause FROM changes"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(cause, "command_line");
}
