//! Action plans entered by the member's points of contact.

use crate::browser::*;
use crate::common::*;
use app::domain::{PlanStatus, Role};
use app::error::AppError;
use app::i18n::Key;
use app::input::PlanInput;
use axum::http::StatusCode;
use ogp_tracker::commands::{plans, Actor};

#[tokio::test]
async fn a_member_wide_point_of_contact_creates_a_draft_plan_and_history_names_the_role() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let slug: String = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT slug FROM members WHERE code = 'XAA'"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    add_user(&t.db, "poc@xaa.example", &[(Role::Poc, Some("XAA"), None)]).await;
    add_user(
        &t.db,
        "ministry@xaa.example",
        &[(Role::Poc, Some("XAA"), Some("Ministry of Finance"))],
    )
    .await;
    let router = test_router(&t.db);

    // The form is offered to those who may use it, and only to them.
    let mut ministry = Browser::new(&router);
    ministry.sign_in("ministry@xaa.example", PASSWORD).await;
    let page = ministry.get(&format!("/members/{slug}")).await;
    assert!(!page.body.contains("new-plan-heading"));
    let plans_before = count(&t.db, "action_plans").await;
    let refused = ministry
        .post(
            &format!("/members/{slug}/plans"),
            &[
                ("number", "9"),
                ("start_date", "2026-01-01"),
                ("end_date", "2027-12-31"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&t.db, "action_plans").await, plans_before);

    let mut poc = Browser::new(&router);
    poc.sign_in("poc@xaa.example", PASSWORD).await;
    let page = poc.get(&format!("/members/{slug}")).await;
    assert!(page.body.contains("new-plan-heading"));
    let invalid = poc
        .post(
            &format!("/members/{slug}/plans"),
            &[
                ("number", "9"),
                ("start_date", "2027-01-01"),
                ("end_date", "2026-12-31"),
            ],
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        invalid.body.contains("value=\"2027-01-01\""),
        "what was typed is kept"
    );
    let created = poc
        .post(
            &format!("/members/{slug}/plans"),
            &[
                ("number", "9"),
                ("title", "Ninth open government plan"),
                ("start_date", "2026-01-01"),
                ("end_date", "2027-12-31"),
                ("document_url", "https://example.org/plan9.pdf"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location(), "/plans/AP_XAA09");
    let plan = poc.get("/plans/AP_XAA09").await;
    assert_eq!(plan.status, StatusCode::OK);
    assert!(plan.body.contains("Ninth open government plan"));
    let stored = app::storage::stored_plan(&mut conn(&t.db).await, "AP_XAA09")
        .await
        .unwrap()
        .unwrap()
        .2;
    assert_eq!(stored.status, PlanStatus::Draft);
    let role: String = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT c.actor_role FROM changes c JOIN change_entries e ON e.change_id = c.id
         WHERE e.record = 'plan' ORDER BY c.id DESC LIMIT 1"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(role, "poc");

    let again = poc
        .post(
            &format!("/members/{slug}/plans"),
            &[
                ("number", "9"),
                ("start_date", "2026-01-01"),
                ("end_date", "2027-12-31"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_command_line_creates_a_plan_and_refuses_an_unknown_member() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let input = PlanInput {
        number: "12".into(),
        title: String::new(),
        start_date: "2026-01-01".into(),
        end_date: "2028-06-30".into(),
        document_url: String::new(),
        version: String::new(),
    };
    let plan = plans::create(&t.db, &Actor::CommandLine, "xaa", &input)
        .await
        .unwrap();
    assert_eq!(plan.key, "AP_XAA12");
    assert_eq!(
        plans::create(&t.db, &Actor::CommandLine, "NOPE", &input).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        plans::create(&t.db, &Actor::CommandLine, "XAA", &input).await,
        Err(AppError::conflict(
            PlanInput::number,
            Key::ErrPlanNumberTaken
        ))
    );
}

#[tokio::test]
async fn a_plan_moves_forward_one_status_at_a_time_and_each_step_is_history() {
    let t = test_db().await;
    small_demo(&t.db).await;
    add_user(&t.db, "poc@xaa.example", &[(Role::Poc, Some("XAA"), None)]).await;
    let input = PlanInput {
        number: "14".into(),
        start_date: "2026-01-01".into(),
        end_date: "2027-12-31".into(),
        ..Default::default()
    };
    plans::create(&t.db, &Actor::CommandLine, "XAA", &input)
        .await
        .unwrap();
    let router = test_router(&t.db);
    let mut poc = Browser::new(&router);
    poc.sign_in("poc@xaa.example", PASSWORD).await;
    let page = poc.get("/plans/AP_XAA14").await;
    assert!(page.body.contains("action=\"/plans/AP_XAA14/status\""));
    assert!(
        page.body.contains("value=\"active\""),
        "the next step is offered"
    );
    let skip = poc
        .post("/plans/AP_XAA14/status", &[("status", "completed")])
        .await;
    assert_eq!(skip.status, StatusCode::CONFLICT, "no step is skipped");
    for step in ["active", "completed"] {
        let answer = poc
            .post("/plans/AP_XAA14/status", &[("status", step)])
            .await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{step}: {}",
            answer.body
        );
    }
    let back = poc
        .post("/plans/AP_XAA14/status", &[("status", "active")])
        .await;
    assert_eq!(back.status, StatusCode::CONFLICT, "never back");
    let ended = app::storage::stored_plan(&mut conn(&t.db).await, "AP_XAA14")
        .await
        .unwrap()
        .unwrap()
        .2;
    assert_eq!(ended.status, PlanStatus::Completed);
    let steps: Vec<(Option<String>, Option<String>)> = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT e.value_before, e.value_after FROM change_entries e
         WHERE e.record = 'plan' AND e.field = 'status' ORDER BY e.id"
    )
    .fetch_all(pool)
    .await
    .unwrap());
    let text = |v: &str| Some(v.to_string());
    assert_eq!(
        steps,
        [
            (text("draft"), text("active")),
            (text("active"), text("completed"))
        ]
    );
}

#[tokio::test]
async fn a_plans_details_are_edited_from_its_page_and_a_stale_form_changes_nothing() {
    let t = test_db().await;
    small_demo(&t.db).await;
    add_user(&t.db, "poc@xaa.example", &[(Role::Poc, Some("XAA"), None)]).await;
    let input = PlanInput {
        number: "15".into(),
        start_date: "2026-01-01".into(),
        end_date: "2027-12-31".into(),
        ..Default::default()
    };
    plans::create(&t.db, &Actor::CommandLine, "XAA", &input)
        .await
        .unwrap();
    let router = test_router(&t.db);
    let mut poc = Browser::new(&router);
    poc.sign_in("poc@xaa.example", PASSWORD).await;
    let page = poc.get("/plans/AP_XAA15").await;
    assert!(page.body.contains("data-form=\"plan\""));
    let edit = |title: &'static str, end: &'static str, version: &'static str| {
        let mut browser = poc.clone();
        async move {
            browser
                .post(
                    "/plans/AP_XAA15/edit",
                    &[
                        ("number", "99"),
                        ("title", title),
                        ("start_date", "2026-01-01"),
                        ("end_date", end),
                        ("document_url", "https://example.org/plan15.pdf"),
                        ("version", version),
                    ],
                )
                .await
        }
    };
    let refused = edit("Fifteenth plan", "2025-12-31", "1").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("value=\"2025-12-31\""),
        "what was typed is kept"
    );
    let saved = edit("Fifteenth plan", "2028-06-30", "1").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stored = app::storage::stored_plan(&mut conn(&t.db).await, "AP_XAA15")
        .await
        .unwrap()
        .unwrap()
        .2;
    assert_eq!(stored.title.as_deref(), Some("Fifteenth plan"));
    assert_eq!(
        stored.number, 15,
        "the number (the key is made of it) stays"
    );
    assert_eq!(stored.end_year, Some(2028));
    assert_eq!(stored.status, PlanStatus::Draft);
    let stale = edit("Stale title", "2028-06-30", "1").await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let again = app::storage::stored_plan(&mut conn(&t.db).await, "AP_XAA15")
        .await
        .unwrap()
        .unwrap()
        .2;
    assert_eq!(again, stored);
    let fields: Vec<String> = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT e.field FROM change_entries e JOIN action_plans p ON p.id = e.record_id
         WHERE e.record = 'plan' AND p.plan_key = 'AP_XAA15' ORDER BY e.id"
    )
    .fetch_all(pool)
    .await
    .unwrap());
    for field in ["title", "end_date", "end_year", "document_url"] {
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }
}
