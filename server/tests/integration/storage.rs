use crate::common::*;
use app::domain::*;
use app::storage::{self, MemberFilter, NewMilestone, NewProgressUpdate};
use chrono::{NaiveDate, TimeZone, Utc};
use ogp_tracker::import::import_file;

pub(crate) fn day(text: &str) -> NaiveDate {
    text.parse().expect("an ISO date")
}

pub(crate) fn member(code: &str, name: &str, region: Region) -> Member {
    Member {
        code: code.into(),
        name: name.into(),
        slug: slugify(name),
        kind: MemberKind::National,
        region: Some(region),
        commitment_prefix: code[..2].into(),
        demo: false,
    }
}

pub(crate) fn plan(member_code: &str, number: i64) -> ActionPlan {
    ActionPlan {
        key: ActionPlan::key_for(member_code, number),
        member_code: member_code.into(),
        number,
        title: None,
        year_submitted: Some(2022),
        end_year: Some(2024),
        start_date: None,
        end_date: None,
        status: PlanStatus::Active,
        document_url: None,
    }
}

pub(crate) fn commitment(code: &str, plan_key: &str, number: &str) -> Commitment {
    Commitment {
        code: code.into(),
        code_derived: false,
        plan_key: plan_key.into(),
        number: number.into(),
        title: format!("Commitment {code}"),
        short_title: None,
        full_text: Some("Publish every contract.".into()),
        theme: None,
        start_date: Some(day("2022-01-01")),
        end_date: Some(day("2024-12-31")),
        lead_institution: Some("Ministry of Finance".into()),
        supporting_institutions: None,
        values: vec![OgpValue::AccessToInformation],
        policy_areas: vec!["Open Contracting".into()],
        carried_forward: Some(false),
        active: Some(true),
        cluster_ids: None,
        source_url: None,
        budget: Some(Budget {
            amount: Some(125000.5),
            currency: Some("EUR".into()),
            funding_source: Some("National budget".into()),
            funded: Some(true),
        }),
        demo: false,
        problem: None,
        entered: false,
        withdrawal: None,
    }
}

pub(crate) fn milestone(
    position: i64,
    status: MilestoneStatus,
    progress: i64,
    weight: f64,
    planned_end: &str,
) -> NewMilestone {
    NewMilestone {
        position,
        title: format!("Milestone {position}"),
        description: None,
        responsible_institution: None,
        planned_start: Some(day("2022-01-01")),
        planned_end: Some(day(planned_end)),
        completed_on: (status == MilestoneStatus::Completed).then(|| day(planned_end)),
        status,
        progress,
        weight,
    }
}

/// One member, one plan, one commitment with three milestones and two updates on the first.
async fn seed(db: &app::storage::Db) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let member_id = storage::insert_member(&mut tx, &member("ESP", "Spain", Region::Europe), false)
        .await
        .unwrap();
    let plan_id = storage::insert_plan(&mut tx, &plan("ESP", 4), member_id)
        .await
        .unwrap();
    let commitment_id = storage::insert_commitment(
        &mut tx,
        &commitment("ES0001", "AP_ESP04", "1"),
        plan_id,
        &[],
    )
    .await
    .unwrap();
    let first = storage::insert_milestone(
        &mut tx,
        commitment_id,
        &milestone(1, MilestoneStatus::Completed, 100, 3.0, "2023-01-31"),
    )
    .await
    .unwrap();
    storage::insert_milestone(
        &mut tx,
        commitment_id,
        &milestone(2, MilestoneStatus::InProgress, 0, 1.0, "2020-01-31"),
    )
    .await
    .unwrap();
    storage::insert_milestone(
        &mut tx,
        commitment_id,
        &milestone(3, MilestoneStatus::Withdrawn, 0, 0.0, "2020-01-31"),
    )
    .await
    .unwrap();
    for (day_of_january, status, progress, narrative) in [
        (10, MilestoneStatus::InProgress, 50, "Draft published"),
        (30, MilestoneStatus::Completed, 100, "Law adopted"),
    ] {
        let at = Utc
            .with_ymd_and_hms(2023, 1, day_of_january, 10, 0, 0)
            .unwrap();
        storage::insert_progress_update(
            &mut tx,
            first,
            &NewProgressUpdate {
                author: app::domain::PublicActor {
                    role: Some(app::domain::Role::Poc),
                    member: None,
                    institution: Some("Ministry of Finance".into()),
                },
                author_id: None,
                created_at: at,
                status,
                progress,
                narrative: narrative.into(),
                evidence: vec![EvidenceLink {
                    url: "https://example.org/law".into(),
                    title: "Official gazette".into(),
                }],
                files: Vec::new(),
                corrects: None,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    commitment_id
}

#[tokio::test]
async fn commitment_detail_round_trips_every_field() {
    let t = test_db().await;
    seed(&t.db).await;
    let detail = storage::commitment_detail(&mut conn(&t.db).await, "ES0001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.commitment, commitment("ES0001", "AP_ESP04", "1"));
    assert_eq!(detail.plan, plan("ESP", 4));
    assert_eq!(detail.member, member("ESP", "Spain", Region::Europe));
    assert_eq!(detail.milestones.len(), 3);
    let latest = detail.milestones[0]
        .latest_update
        .as_ref()
        .expect("latest update");
    assert_eq!(latest.narrative, "Law adopted");
    assert_eq!(latest.evidence.len(), 1);
    assert!(detail.milestones[1].latest_update.is_none());
    // Weighted: (100 × 3 + 0 × 1 + 0 × 0) ÷ 4 = 75.
    assert_eq!(detail.progress(), Some(75.0));
    assert!(storage::commitment_detail(&mut conn(&t.db).await, "ES9999")
        .await
        .unwrap()
        .is_none());
}

async fn values_and_areas(db: &app::storage::Db, code: &str) -> (Vec<OgpValue>, Vec<String>) {
    let detail = storage::commitment_detail(&mut conn(db).await, code)
        .await
        .unwrap()
        .unwrap();
    (detail.commitment.values, detail.commitment.policy_areas)
}

/// The multi-row writes of a commitment's values, policy areas and file values: repeats
/// are written once (the first name of a slug, the last value of a field), and an update
/// replaces exactly what was stored.
#[tokio::test]
async fn a_commitments_values_areas_and_file_values_are_written_once_and_replaced_exactly() {
    let t = test_db().await;
    seed(&t.db).await;
    let raw = |pairs: &[(&str, &str)]| -> Vec<RawValue> {
        pairs
            .iter()
            .map(|(field, raw)| RawValue {
                field: (*field).into(),
                raw: (*raw).into(),
            })
            .collect()
    };
    let mut first = commitment("ES0002", "AP_ESP04", "2");
    first.values = vec![
        OgpValue::CivicParticipation,
        OgpValue::AccessToInformation,
        OgpValue::CivicParticipation,
    ];
    first.policy_areas = vec![
        "Open Contracting".into(),
        "Fiscal Openness".into(),
        "open contracting".into(),
    ];
    let mut tx = t.db.begin().await.unwrap();
    let plan_id = storage::stored_plan(&mut tx, "AP_ESP04")
        .await
        .unwrap()
        .unwrap()
        .0;
    let id = storage::insert_commitment(
        &mut tx,
        &first,
        plan_id,
        &raw(&[("title", "first"), ("theme", "x"), ("title", "second")]),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        values_and_areas(&t.db, "ES0002").await,
        (
            vec![OgpValue::AccessToInformation, OgpValue::CivicParticipation],
            vec![
                "Fiscal Openness".to_string(),
                "Open Contracting".to_string()
            ]
        )
    );
    assert_eq!(
        storage::stored_commitment(&mut conn(&t.db).await, "ES0002")
            .await
            .unwrap()
            .unwrap()
            .raw_values,
        raw(&[("theme", "x"), ("title", "second")])
    );

    let mut second = first.clone();
    second.values = vec![OgpValue::PublicAccountability];
    second.policy_areas = vec!["Access to Justice".into(), "Fiscal Openness".into()];
    let mut tx = t.db.begin().await.unwrap();
    let saved = storage::update_commitment(&mut tx, id, &second, &raw(&[("budget", "5")]), None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(saved);
    assert_eq!(
        values_and_areas(&t.db, "ES0002").await,
        (
            vec![OgpValue::PublicAccountability],
            vec![
                "Access to Justice".to_string(),
                "Fiscal Openness".to_string()
            ]
        )
    );
    assert_eq!(
        storage::stored_commitment(&mut conn(&t.db).await, "ES0002")
            .await
            .unwrap()
            .unwrap()
            .raw_values,
        raw(&[("budget", "5")])
    );
    // The other commitment's area is untouched.
    assert_eq!(
        values_and_areas(&t.db, "ES0001").await.1,
        vec!["Open Contracting".to_string()]
    );
}

#[tokio::test]
async fn plan_progress_in_sql_matches_the_published_formula() {
    let t = test_db().await;
    seed(&t.db).await;
    let today = chrono::Utc::now().date_naive();
    let detail = storage::plan_detail(&mut conn(&t.db).await, "AP_ESP04", today, 50, 0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.total_commitments, 1);
    assert_eq!(detail.commitments[0].milestones, 3);
    assert_eq!(detail.commitments[0].progress, Some(75.0));
    let plans = storage::plans_of_member(&mut conn(&t.db).await, "ESP", today)
        .await
        .unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].progress, Some(75.0));
    assert!(
        storage::plan_detail(&mut conn(&t.db).await, "AP_XXX01", today, 50, 0)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn overview_counts_overdue_and_completed_milestones() {
    let t = test_db().await;
    seed(&t.db).await;
    let overview = storage::overview(&mut conn(&t.db).await, day("2024-06-01"))
        .await
        .unwrap();
    assert_eq!(
        (overview.members, overview.plans, overview.commitments),
        (1, 1, 1)
    );
    assert_eq!(overview.milestones, 3);
    assert_eq!(overview.completed_milestones, 1);
    // Milestone 2 is past due and open; the withdrawn one is not overdue.
    assert_eq!(overview.overdue_milestones, 1);
    assert_eq!(overview.recent_updates.len(), 2);
    assert_eq!(
        overview.recent_updates[0].status,
        MilestoneStatus::Completed
    );
    assert!(!overview.demo);
}

#[tokio::test]
async fn members_filter_by_region_and_kind_with_counts() {
    let t = test_db().await;
    import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    let all = storage::list_members(&mut conn(&t.db).await, &MemberFilter::default(), 500, 0)
        .await
        .unwrap();
    assert_eq!(all.1, 75);
    let americas = MemberFilter {
        region: Some(Region::Americas),
        kind: None,
    };
    let (members, total) = storage::list_members(&mut conn(&t.db).await, &americas, 500, 0)
        .await
        .unwrap();
    assert!(members
        .iter()
        .all(|m| m.member.region == Some(Region::Americas)));
    assert_eq!(total, members.len() as i64);
    let argentina = members.iter().find(|m| m.member.code == "ARG").unwrap();
    assert!(argentina.commitments >= 1 && argentina.plans >= 1);
    let local = MemberFilter {
        region: None,
        kind: Some(MemberKind::Local),
    };
    let (locals, _) = storage::list_members(&mut conn(&t.db).await, &local, 500, 0)
        .await
        .unwrap();
    assert!(locals.iter().any(|m| m.member.code == "ARBA"));
    assert!(locals.iter().all(|m| m.member.kind == MemberKind::Local));
    let page_two = storage::list_members(&mut conn(&t.db).await, &MemberFilter::default(), 50, 50)
        .await
        .unwrap();
    assert_eq!(page_two.0.len(), 25);
}

/// Starting again (every app server and command migrates first) leaves the site's version,
/// and so every app server's kept pages, as they were. Migrations applied since the version
/// last changed for them (even by a start that stopped before changing it), and counting
/// what migrations left uncounted, give the site a new version: a page may show either.
#[tokio::test]
async fn migrating_again_keeps_the_site_version_unless_migrations_or_counts_are_new() {
    let t = test_db().await;
    let version = || async { storage::site_version(&mut conn(&t.db).await).await.unwrap() };
    // Migration 0014 makes the version 0; the migrations applied to the new database changed it.
    let migrated = version().await;
    assert_ne!(migrated, 0);
    seed(&t.db).await;
    let before = version().await;
    t.db.migrate().await.unwrap();
    t.db.migrate().await.unwrap();
    assert_eq!(version().await, before);

    // A start that applied the last migration and stopped before changing the version.
    the_next_start_changes_the_version_once(
        &t.db,
        "UPDATE site_version SET migrations = migrations - 1",
    )
    .await;
    the_next_start_changes_the_version_once(&t.db, "UPDATE commitments SET disagreements = NULL")
        .await;
    let left = "SELECT COUNT(*) FROM commitments WHERE disagreements IS NULL";
    assert_eq!(scalar(&t.db, left).await, 0);
}

/// After `sql`, the next start gives the site a new version and the one after it does not.
async fn the_next_start_changes_the_version_once(db: &storage::Db, sql: &str) {
    let version = || async { storage::site_version(&mut conn(db).await).await.unwrap() };
    write_sql(db, sql).await;
    let before = version().await;
    db.migrate().await.unwrap();
    let after = version().await;
    assert_ne!(after, before, "{sql}");
    db.migrate().await.unwrap();
    assert_eq!(version().await, after, "{sql}");
}
