use crate::common::*;
use app::storage;
use ogp_tracker::commands::demo::{generate, DemoConfig};
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
    let second = generate(&t.db, &Actor::CommandLine, &SMALL).await.unwrap();
    assert_eq!(first, second, "same seed, same data");
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
    generate(&t.db, &Actor::CommandLine, &SMALL).await.unwrap();
    generate(&t.db, &Actor::CommandLine, &SMALL).await.unwrap();
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
