use crate::common::*;
use app::domain::{AuditFact, Role, DEMO_ACCOUNTS};
use app::storage;
use ogp_tracker::commands::demo::{generate, published_passwords_in_use, DemoConfig, DemoSummary};
use ogp_tracker::commands::Actor;

const SMALL: DemoConfig = DemoConfig {
    scale: 0.08,
    seed: 7,
};

#[tokio::test]
async fn demo_data_is_deterministic_and_replaces_itself() {
    let t = test_db().await;
    let first = generate(&t.db, &Actor::CommandLine, &SMALL).await.unwrap();
    assert_eq!(first.members, 6);
    assert!(first.plans >= 6 && first.commitments >= 6 * first.plans);
    assert!(
        first.milestones >= 2 * first.commitments && first.updates > 0 && first.assessments > 0
    );
    let snapshot = counts(&t.db).await;
    assert_eq!(first.accounts, DEMO_ACCOUNTS.len());
    let second = generate(&t.db, &Actor::CommandLine, &SMALL).await.unwrap();
    assert_eq!(
        DemoSummary {
            accounts: 0,
            ..first.clone()
        },
        second,
        "same seed, same data; the demo accounts exist already"
    );
    assert_eq!(
        counts(&t.db).await,
        snapshot,
        "a second run replaces, never duplicates"
    );
    let other = generate(
        &t.db,
        &Actor::CommandLine,
        &DemoConfig {
            scale: 0.08,
            seed: 8,
        },
    )
    .await
    .unwrap();
    assert_ne!(other, first);
    assert!(
        scalar(
            &t.db,
            "SELECT COUNT(*) FROM commitments WHERE disagreements > 0"
        )
        .await
            > 0,
        "the demo's sources disagree somewhere"
    );
    assert_kept_totals(&t.db).await;
}

#[tokio::test]
async fn demo_data_covers_every_state_and_is_labelled() {
    let t = test_db().await;
    generate(&t.db, &Actor::CommandLine, &SMALL).await.unwrap();
    let overview = storage::overview(&mut conn(&t.db).await, chrono::Utc::now().date_naive())
        .await
        .unwrap();
    assert!(overview.demo);
    assert!(overview.overdue_milestones > 0);
    assert!(!overview.recent_updates.is_empty());
    let statuses: Vec<(String,)> = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT DISTINCT status FROM milestones ORDER BY status"
    )
    .fetch_all(pool)
    .await
    .unwrap());
    let statuses: Vec<&str> = statuses.iter().map(|(s,)| s.as_str()).collect();
    assert_eq!(
        statuses,
        [
            "completed",
            "delayed",
            "in_progress",
            "not_started",
            "withdrawn"
        ]
    );
    let sources: Vec<(String,)> = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT DISTINCT source FROM assessments ORDER BY source"
    )
    .fetch_all(pool)
    .await
    .unwrap());
    assert_eq!(
        sources.len(),
        3,
        "government, civil society and IRM assessments"
    );
    // Government and civil society disagree on completion somewhere.
    let (disagreements,): (i64,) = on_pool!(&t.db, |pool| {
        sqlx::query_as(
        "SELECT COUNT(*) FROM assessments g JOIN assessments c ON c.commitment_id = g.commitment_id
           AND c.stage = g.stage AND c.source = 'civil_society'
         JOIN assessment_scores gs ON gs.assessment_id = g.id AND gs.indicator = 'completion'
         JOIN assessment_scores cs ON cs.assessment_id = c.id AND cs.indicator = 'completion'
         WHERE g.source = 'government' AND gs.value <> cs.value",
    )
    .fetch_one(pool)
    .await
    .unwrap()
    });
    assert!(disagreements > 0);
    let (not_demo,): (i64,) = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM commitments WHERE NOT demo"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(not_demo, 0);
}

#[tokio::test]
async fn demo_data_leaves_imported_data_alone() {
    let t = test_db().await;
    ogp_tracker::import::import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    let summary = generate(&t.db, &Actor::CommandLine, &SMALL).await.unwrap();
    assert_eq!(
        summary.accounts, 0,
        "no published password beside real data"
    );
    generate(&t.db, &Actor::CommandLine, &SMALL).await.unwrap();
    assert_eq!(count(&t.db, "users").await, 0);
    let (real,): (i64,) = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM commitments WHERE NOT demo"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(real, 558);
    assert!(storage::commitment_detail(&mut conn(&t.db).await, "AR0045")
        .await
        .unwrap()
        .is_some());
}

/// A real member may hold a code the demo would give (OGP's Kosovo is XKX): the demo skips
/// it and leaves the member alone.
#[tokio::test]
async fn demo_members_skip_the_codes_of_real_members() {
    let t = test_db().await;
    let real = app::domain::Member {
        code: "XAB".into(),
        name: "Real member".into(),
        slug: "real-member".into(),
        kind: app::domain::MemberKind::Local,
        region: None,
        commitment_prefix: "XAB".into(),
        demo: false,
    };
    let mut tx = t.db.begin().await.unwrap();
    storage::insert_member(&mut tx, &real, false).await.unwrap();
    tx.commit().await.unwrap();
    let summary = generate(&t.db, &Actor::CommandLine, &SMALL).await.unwrap();
    assert_eq!(
        storage::member_by_code(&mut conn(&t.db).await, "XAB")
            .await
            .unwrap(),
        Some(real)
    );
    let demo_codes: Vec<String> = on_pool!(&t.db, |pool| sqlx::query_scalar(
        "SELECT code FROM members WHERE demo ORDER BY code"
    )
    .fetch_all(pool)
    .await
    .unwrap());
    assert_eq!(demo_codes.len(), summary.members);
    assert_eq!(demo_codes[..3], ["XAA", "XAC", "XAD"]);
}

#[tokio::test]
async fn regenerating_demo_data_never_undoes_what_an_admin_changed() {
    let t = test_db().await;
    generate(&t.db, &Actor::CommandLine, &SMALL).await.unwrap();
    let mut all: Vec<String> = DEMO_ACCOUNTS
        .iter()
        .map(|(_, e, _)| e.to_string())
        .collect();
    all.sort();
    let mut open = published_passwords_in_use(&t.db).await.unwrap();
    open.sort();
    assert_eq!(open, all, "the server warns about every one");

    let id = |email: &'static str| {
        let db = t.db.clone();
        async move {
            storage::user_id_by_email(&mut conn(&db).await, email)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let (admin, poc, reviewer) = (
        id("admin@demo.example").await,
        id("poc@demo.example").await,
        id("reviewer@demo.example").await,
    );
    let mut c = conn(&t.db).await;
    let hash = ogp_tracker::auth::hash_password("a password nobody published").unwrap();
    storage::set_password(&mut c, admin, &hash).await.unwrap();
    let poc_grant = storage::account(&mut c, poc).await.unwrap().unwrap().grants[0].id;
    storage::delete_grant(&mut c, poc_grant).await.unwrap();
    storage::set_disabled(&mut c, reviewer, true).await.unwrap();
    drop(c);

    let summary = generate(&t.db, &Actor::CommandLine, &SMALL).await.unwrap();
    assert_eq!(summary.accounts, 0);
    let mut c = conn(&t.db).await;
    let (log, _) = storage::audit_page(&mut c, 10, 0).await.unwrap();
    assert_eq!(log[0].action, "demo_data_loaded");
    assert_eq!(
        log[0].facts,
        vec![
            (AuditFact::Via, "command_line".to_string()),
            (AuditFact::Scale, "0.08".to_string()),
            (AuditFact::Seed, "7".to_string()),
            (AuditFact::Commitments, summary.commitments.to_string()),
            (AuditFact::Accounts, "0".to_string()),
        ],
        "who regenerated what"
    );
    assert_eq!(
        storage::password_hash_of(&mut c, admin).await.unwrap(),
        Some(hash),
        "the changed password stays"
    );
    assert!(
        storage::account(&mut c, poc)
            .await
            .unwrap()
            .unwrap()
            .grants
            .is_empty(),
        "the revoked role is not granted again"
    );
    assert!(
        storage::account(&mut c, reviewer)
            .await
            .unwrap()
            .unwrap()
            .disabled
    );
    let irm = storage::account(&mut c, id("irm@demo.example").await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        irm.grants
            .iter()
            .map(|g| (g.role, g.member_code.clone()))
            .collect::<Vec<_>>(),
        [(Role::Irm, Some(app::domain::DEMO_MEMBER_CODE.to_string()))],
        "a grant on a regenerated demo member is kept as it was"
    );
    drop(c);
    assert_eq!(
        published_passwords_in_use(&t.db).await.unwrap(),
        ["poc@demo.example", "irm@demo.example"],
        "a disabled account or a changed password no longer opens a door; an account \
         without roles still does"
    );
}

#[tokio::test]
async fn demo_plans_read_like_real_ones() {
    let t = test_db().await;
    generate(&t.db, &Actor::CommandLine, &SMALL).await.unwrap();
    // No commitment repeats a milestone's title.
    let repeated = scalar(
        &t.db,
        "SELECT COUNT(*) FROM (SELECT commitment_id, title FROM milestones
         GROUP BY commitment_id, title HAVING COUNT(*) > 1) AS repeats",
    )
    .await;
    assert_eq!(repeated, 0);
    // The last update of a completed milestone is dated the day it was completed, and a
    // delayed milestone is reported late only after its planned end.
    let last_updates = "SELECT ms.status, ms.planned_end, ms.completed_on,
            CAST(u.created_at AS TEXT) AS at
         FROM milestones ms JOIN progress_updates u ON u.milestone_id = ms.id
         WHERE u.id = (SELECT MAX(id) FROM progress_updates WHERE milestone_id = ms.id)";
    let rows: Vec<(
        String,
        Option<chrono::NaiveDate>,
        Option<chrono::NaiveDate>,
        String,
    )> = on_pool!(&t.db, |pool| sqlx::query_as(last_updates)
        .fetch_all(pool)
        .await
        .unwrap());
    let mut checked = [0, 0];
    for (status, planned_end, completed_on, at) in rows {
        let day = chrono::NaiveDate::parse_from_str(&at[..10], "%Y-%m-%d").unwrap();
        match status.as_str() {
            "completed" => {
                assert_eq!(Some(day), completed_on, "completed on {at}");
                checked[0] += 1;
            }
            "delayed" => {
                assert!(
                    Some(day) > planned_end,
                    "delay reported on {at}, due {planned_end:?}"
                );
                checked[1] += 1;
            }
            _ => {}
        }
    }
    assert!(checked[0] > 0 && checked[1] > 0, "{checked:?}");
}
