//! The two migration sets cannot drift: a fresh SQLite database and a fresh PostgreSQL
//! database, each migrated, have the same tables, columns (types in a shared vocabulary,
//! nullability), primary keys, unique constraints and indexes.

use crate::common::*;
use app::storage::{dialect, Backend, Db};

/// Differences that are meant to be there, each with the reason. Empty: none are.
const INTENDED: &[(&str, &str)] = &[];

/// The PostgreSQL server to compare with: the suite's own, or the one `make test` starts
/// for the SQLite run too.
fn postgres_url() -> String {
    postgres_server()
        .or_else(|| {
            std::env::var("SCHEMA_DATABASE_URL")
                .ok()
                .filter(|u| !u.is_empty())
        })
        .expect(
            "the schema comparison needs a PostgreSQL server: run `make test`, or set \
             TEST_DATABASE_URL or SCHEMA_DATABASE_URL to one (scripts/postgres.sh starts one)",
        )
}

async fn fresh_postgres() -> (Db, String) {
    let admin_url = postgres_url();
    let name = format!("ogp_schema_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&admin_url).await.unwrap();
    for statement in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(&statement).execute(&admin).await.unwrap();
    }
    let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap();
    let db = Db::connect(&format!("{base}/{name}")).await.unwrap();
    db.migrate().await.unwrap();
    (db, name)
}

#[tokio::test]
async fn sqlite_and_postgres_migrate_to_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Db::connect(&format!("sqlite://{}/schema.db", dir.path().display()))
        .await
        .unwrap();
    sqlite.migrate().await.unwrap();
    let (postgres, name) = fresh_postgres().await;
    assert_eq!(
        (sqlite.backend(), postgres.backend()),
        (Backend::Sqlite, Backend::Postgres)
    );
    let lite = dialect::schema_outline(&mut conn(&sqlite).await)
        .await
        .unwrap();
    let pg = dialect::schema_outline(&mut conn(&postgres).await)
        .await
        .unwrap();
    postgres.close().await;
    let admin = sqlx::PgPool::connect(&postgres_url()).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();

    let expected = [
        "column milestones.version integer not null",
        "column users.created_at timestamp not null",
        "column commitments.demo boolean not null",
        "unique index members(code)",
        "index change_entries(commitment_id, change_id)",
        // The overview's latest updates, read in order (migration 0013).
        "index progress_updates(created_at, id)",
        "foreign key commitment_values(commitment_id) references commitments(id) on delete cascade",
        "checks milestones 3",
        "default milestones.version 1",
        "default members.demo false",
        "trigger change_entries change_entries_kept",
        // The totals the overview reads (migration 0012): a table rebuild drops them.
        "trigger members members_total_insert",
        "trigger members members_total_delete",
        "trigger members members_total_demo",
        "trigger action_plans plans_total_insert",
        "trigger action_plans plans_total_delete",
        "trigger commitments commitments_total_insert",
        "trigger commitments commitments_total_delete",
        "trigger milestones milestones_total_insert",
        "trigger milestones milestones_total_delete",
        "trigger milestones milestones_total_update",
    ];
    for outline in [&lite, &pg] {
        let missing: Vec<&&str> = expected
            .iter()
            .filter(|e| !outline.iter().any(|f| f == *e))
            .collect();
        assert!(
            missing.is_empty(),
            "the outline lacks {missing:?}: {outline:#?}"
        );
    }
    assert!(
        lite.iter().chain(&pg).all(|f| !f.contains("unknown(")),
        "a column type outside the shared vocabulary: {:?}",
        lite.iter()
            .chain(&pg)
            .filter(|f| f.contains("unknown("))
            .collect::<Vec<_>>()
    );
    let (only_sqlite, only_postgres) = differences(&lite, &pg);
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the migration sets differ.\nonly in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_postgres:#?}"
    );
}

/// The facts of each outline the other lacks, leaving out the intended differences.
fn differences(sqlite: &[String], postgres: &[String]) -> (Vec<String>, Vec<String>) {
    let intended = |fact: &String| INTENDED.iter().any(|(f, _)| f == fact);
    let only = |these: &[String], those: &[String]| {
        these
            .iter()
            .filter(|f| !those.contains(f) && !intended(f))
            .cloned()
            .collect::<Vec<_>>()
    };
    (only(sqlite, postgres), only(postgres, sqlite))
}

#[tokio::test]
async fn the_comparison_names_a_drifted_column() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Db::connect(&format!("sqlite://{}/schema.db", dir.path().display()))
        .await
        .unwrap();
    sqlite.migrate().await.unwrap();
    let outline = dialect::schema_outline(&mut conn(&sqlite).await)
        .await
        .unwrap();
    assert_eq!(differences(&outline, &outline), (vec![], vec![]));
    // The other set, as if one migration had left members.name nullable and no index.
    let drifted: Vec<String> = outline
        .iter()
        .filter(|f| f.as_str() != "index milestones(commitment_id)")
        .map(|f| {
            f.replace(
                "column members.name text not null",
                "column members.name text null",
            )
        })
        .collect();
    let (only_here, only_there) = differences(&outline, &drifted);
    assert_eq!(
        only_here,
        vec![
            "column members.name text not null".to_string(),
            "index milestones(commitment_id)".to_string()
        ]
    );
    assert_eq!(
        only_there,
        vec!["column members.name text null".to_string()]
    );
}

/// Data as the first two migrations stored it: flags as integers, times as text in both
/// forms then written, a completed milestone without a date and a date kept on a milestone
/// that went back.
const OLD_DATA: &[&str] = &[
    "INSERT INTO members (id, code, name, slug, kind, region, commitment_prefix, demo)
     VALUES (1, 'ESP', 'Spain', 'spain', 'national', 'europe', 'ES', 1)",
    "INSERT INTO action_plans (id, plan_key, member_id, number, status, start_date, end_date)
     VALUES (1, 'AP_ESP04', 1, 4, 'active', '2022-01-01', '2024-12-31')",
    "INSERT INTO commitments (id, code, code_derived, plan_id, number, title, start_date,
        carried_forward, demo)
     VALUES (1, 'ES0001', 0, 1, '1', 'Open contracts', '2022-01-01', 1, 0)",
    "INSERT INTO milestones (id, commitment_id, position, title, status, progress, completed_on,
        planned_end)
     VALUES (1, 1, 1, 'Completed without a date', 'completed', 80, NULL, '2023-06-30'),
            (2, 1, 2, 'Back in progress with a date', 'in_progress', 40, '2023-01-01', '2024-06-30')",
    "INSERT INTO progress_updates (id, milestone_id, author, created_at, status, progress, narrative)
     VALUES (1, 1, 'Point of contact', '2023-05-02T10:00:00Z', 'completed', 80, 'Done')",
    "INSERT INTO progress_updates (id, milestone_id, author, created_at, status, progress, narrative)
     VALUES (2, 1, 'Point of contact, Ministerio de Hacienda', '2023-04-02T10:00:00Z', 'in_progress', 50, 'Half')",
    "INSERT INTO progress_updates (id, milestone_id, author, created_at, status, progress, narrative)
     VALUES (3, 1, 'Administrator', '2023-03-02T10:00:00Z', 'in_progress', 20, 'Begun')",
    "INSERT INTO progress_updates (id, milestone_id, author, created_at, status, progress, narrative)
     VALUES (4, 1, 'Oficina de Gobierno Abierto', '2023-02-02T10:00:00Z', 'in_progress', 10, 'Planned')",
    "INSERT INTO progress_updates (id, milestone_id, author, created_at, status, progress, narrative)
     VALUES (5, 1, 'Point of contact, ', '2023-01-02T10:00:00Z', 'in_progress', 5, 'Idea')",
    "INSERT INTO users (id, email, display_name, disabled, demo, created_at)
     VALUES (1, 'ana@example.org', 'Ana', 0, 0, '2024-05-01T10:00:00.123456Z')",
    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
     VALUES ('abc', 1, '2024-05-01T10:00:00.000000Z', '2999-01-01T00:00:00.000000Z')",
    "INSERT INTO audit_log (at, action, facts) VALUES ('2024-05-01T10:00:00.120000Z', 'invited', '{}')",
    // Rows that depend on the rebuilt tables: a rebuild with foreign keys enforced would
    // cascade-delete some of them.
    "INSERT INTO commitment_values (commitment_id, value) VALUES (1, 'access_to_information')",
    "INSERT INTO policy_areas (id, slug, name) VALUES (1, 'open-contracting', 'Open Contracting')",
    "INSERT INTO commitment_policy_areas (commitment_id, policy_area_id) VALUES (1, 1)",
    "INSERT INTO raw_values (commitment_id, field, raw) VALUES (1, 'theme', 'NA')",
    "INSERT INTO evidence_links (update_id, url, title) VALUES (1, 'https://example.org/law', 'Gazette')",
    "INSERT INTO assessments (id, commitment_id, source, assessor, stage, scale, created_at)
     VALUES (1, 1, 'irm', 'IRM', 'design', 'classic', '2024-01-15T09:00:00Z')",
    "INSERT INTO assessment_scores (assessment_id, indicator, value)
     VALUES (1, 'potential_impact', 'moderate')",
    // Two steps apart from the IRM's: the upgrade counts one disagreement.
    "INSERT INTO assessments (id, commitment_id, source, assessor, stage, scale, created_at)
     VALUES (2, 1, 'civil_society', 'Watch', 'design', 'classic', '2024-02-15T09:00:00Z')",
    "INSERT INTO assessment_scores (assessment_id, indicator, value)
     VALUES (2, 'potential_impact', 'none')",
    "INSERT INTO role_grants (user_id, role, member_id, granted_at)
     VALUES (1, 'poc', 1, '2024-05-01T10:00:00.000000Z')",
];

#[tokio::test]
async fn an_upgrade_keeps_what_was_stored_and_mends_what_disagreed() {
    use app::storage;
    use chrono::{NaiveDate, TimeZone, Utc};
    let dir = tempfile::tempdir().unwrap();
    let (db, guard) = previous_release(&dir, "ogp_upgrade").await;
    for statement in OLD_DATA {
        on_pool!(&db, |pool| sqlx::query(statement)
            .execute(pool)
            .await
            .map(|_| ())
            .unwrap());
    }

    db.migrate().await.unwrap();

    let mut c = conn(&db).await;
    let detail = storage::commitment_detail(&mut c, "ES0001")
        .await
        .unwrap()
        .unwrap();
    assert!(detail.member.demo, "a flag of 1 reads as true");
    assert!(!detail.commitment.demo);
    assert_eq!(detail.commitment.carried_forward, Some(true));
    assert_eq!(
        detail.commitment.start_date,
        NaiveDate::from_ymd_opt(2022, 1, 1)
    );
    assert_eq!(detail.plan.end_date, NaiveDate::from_ymd_opt(2024, 12, 31));
    assert_eq!(
        detail.commitment.values,
        vec![app::domain::OgpValue::AccessToInformation]
    );
    assert_eq!(
        detail.commitment.policy_areas,
        vec!["Open Contracting".to_string()]
    );
    assert_eq!(detail.raw_values.len(), 1);
    assert_eq!(detail.assessments.len(), 2);
    assert_eq!(detail.assessments[0].scores.len(), 1);
    assert_eq!(
        scalar(&db, "SELECT disagreements FROM commitments WHERE id = 1").await,
        1,
        "the disagreements of what was assessed before are counted when upgrading"
    );
    assert_kept_totals(&db).await;
    let [completed, back] = &detail.milestones[..] else {
        panic!("two milestones: {:?}", detail.milestones)
    };
    assert_eq!(
        (completed.progress, completed.completed_on),
        (100, NaiveDate::from_ymd_opt(2023, 5, 2)),
        "a completed milestone gets 100% and the day its update said so"
    );
    assert_eq!(
        (back.progress, back.completed_on),
        (40, None),
        "the kept date is cleared"
    );
    assert_eq!((completed.version, back.version), (1, 1));
    let update = completed.latest_update.as_ref().unwrap();
    assert_eq!(
        update.created_at,
        Utc.with_ymd_and_hms(2023, 5, 2, 10, 0, 0).unwrap()
    );
    assert_eq!(update.evidence.len(), 1);
    // Authors written as English sentences become facts the pages translate.
    let authors: Vec<_> = storage::updates_of_milestone(&mut c, 1)
        .await
        .unwrap()
        .into_iter()
        .map(|u| (u.author.role, u.author.institution))
        .collect();
    use app::domain::Role;
    assert_eq!(
        authors,
        [
            (Some(Role::Poc), None),
            (Some(Role::Poc), Some("Ministerio de Hacienda".to_string())),
            (Some(Role::Admin), None),
            (None, Some("Oficina de Gobierno Abierto".to_string())),
            (Some(Role::Poc), None),
        ]
    );
    let account = storage::account(&mut c, 1).await.unwrap().unwrap();
    let created = Utc.with_ymd_and_hms(2024, 5, 1, 10, 0, 0).unwrap()
        + chrono::Duration::microseconds(123_456);
    assert_eq!(account.created_at, created, "microseconds survive");
    // Times compare as times: the session expiring in 2999 is still open.
    let viewer = storage::viewer_for_session(&mut c, "abc", storage::now())
        .await
        .unwrap();
    assert_eq!(viewer.as_ref().map(|v| v.user_id), Some(1));
    assert_eq!(
        viewer.map(|v| v.grants.len()),
        Some(1),
        "the grant survives"
    );
    let (audit, _) = storage::audit_page(&mut c, 10, 0).await.unwrap();
    assert_eq!(
        audit[0].at,
        Utc.with_ymd_and_hms(2024, 5, 1, 10, 0, 0).unwrap() + chrono::Duration::milliseconds(120)
    );
    if let Db::Sqlite(pool, _) = &db {
        // SQLite keeps times as text: the migrated text is exactly what the driver writes.
        let (migrated, written): (String, String) =
            sqlx::query_as("SELECT (SELECT at FROM audit_log), CAST($1 AS TEXT)")
                .bind(audit[0].at)
                .fetch_one(pool)
                .await
                .unwrap();
        assert_eq!(migrated, written);
    }
    drop(c);
    forget(db, guard).await;
}

/// A database at the second migration, as an installation of the previous release left
/// it: a SQLite file in `dir`, or a new database named `name` on the suite's PostgreSQL.
async fn previous_release(
    dir: &tempfile::TempDir,
    name: &str,
) -> (Db, Option<(sqlx::PgPool, String)>) {
    let (db, backend_dir, guard) = match postgres_server() {
        Some(admin_url) => {
            let name = format!("{name}_{}", std::process::id());
            let admin = sqlx::PgPool::connect(&admin_url).await.unwrap();
            for statement in [
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                format!("CREATE DATABASE {name}"),
            ] {
                sqlx::query(&statement).execute(&admin).await.unwrap();
            }
            let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap();
            let db = Db::connect(&format!("{base}/{name}")).await.unwrap();
            (db, "postgres", Some((admin, name)))
        }
        None => {
            let url = format!("sqlite://{}/{name}.db", dir.path().display());
            (Db::connect(&url).await.unwrap(), "sqlite", None)
        }
    };
    let first_two = dir.path().join(format!("{name}-migrations"));
    std::fs::create_dir(&first_two).unwrap();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(backend_dir);
    for file in ["0001_schema.sql", "0002_accounts.sql"] {
        std::fs::copy(source.join(file), first_two.join(file)).unwrap();
    }
    let old = sqlx::migrate::Migrator::new(first_two.as_path())
        .await
        .unwrap();
    on_pool!(&db, |pool| old.run(pool).await.unwrap());
    (db, guard)
}

async fn forget(db: Db, guard: Option<(sqlx::PgPool, String)>) {
    db.close().await;
    if let Some((admin, name)) = guard {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&admin)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_time_in_an_unknown_form_is_never_mangled() {
    let dir = tempfile::tempdir().unwrap();
    let (db, guard) = previous_release(&dir, "ogp_odd_time").await;
    on_pool!(&db, |pool| {
        sqlx::query(
        "INSERT INTO audit_log (at, action, facts) VALUES ('2024-05-01T10:00:00.5Z', 'invited', '{}')"
    )
    .execute(pool)
    .await
    .map(|_| ())
    .unwrap()
    });
    let migrated = db.migrate().await;
    match db.backend() {
        // SQLite rewrites times as text: it stops rather than guess, and nothing changes.
        Backend::Sqlite => {
            let error = migrated.expect_err("an unknown form stops the migration");
            assert!(
                error
                    .to_string()
                    .contains("a_stored_time_is_in_an_unknown_form"),
                "{error}"
            );
            let applied = scalar(&db, "SELECT COUNT(*) FROM _sqlx_migrations").await;
            assert_eq!(applied, 2);
            let kept: String = on_pool!(&db, |pool| sqlx::query_scalar("SELECT at FROM audit_log")
                .fetch_one(pool)
                .await
                .unwrap());
            assert_eq!(kept, "2024-05-01T10:00:00.5Z");
        }
        // PostgreSQL reads any ISO 8601 time.
        Backend::Postgres => {
            migrated.unwrap();
            let (entries, _) = app::storage::audit_page(&mut conn(&db).await, 1, 0)
                .await
                .unwrap();
            assert_eq!(entries[0].at.timestamp_subsec_millis(), 500);
        }
    }
    forget(db, guard).await;
}

/// SQLite migrations run with reference enforcement off, so the references are checked
/// after any ran, and on each start until a check passes; a start with nothing to migrate
/// does not read them all.
#[tokio::test]
async fn sqlite_checks_references_after_migrating_until_a_check_passes() {
    use sqlx::ConnectOptions;
    use std::str::FromStr;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/references.db", dir.path().display());
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let mut raw = sqlx::sqlite::SqliteConnectOptions::from_str(&url)
        .unwrap()
        .foreign_keys(false)
        .connect()
        .await
        .unwrap();
    assert_eq!(
        user_version(&mut raw).await,
        0,
        "checked after the first migration"
    );
    sqlx::query("INSERT INTO raw_values (commitment_id, field, raw) VALUES (999999, 'title', 'x')")
        .execute(&mut raw)
        .await
        .unwrap();
    db.migrate()
        .await
        .expect("nothing migrated, nothing checked");

    // A start that migrated and stopped before its check passed.
    sqlx::query(&format!(
        "PRAGMA user_version = {}",
        app::storage::REFERENCES_UNCHECKED
    ))
    .execute(&mut raw)
    .await
    .unwrap();
    for _ in 0..2 {
        let refused = db.migrate().await.expect_err("a reference to nothing");
        assert!(refused.to_string().contains("raw_values"), "{refused}");
    }
    sqlx::query("DELETE FROM raw_values WHERE commitment_id = 999999")
        .execute(&mut raw)
        .await
        .unwrap();
    db.migrate().await.unwrap();
    assert_eq!(user_version(&mut raw).await, 0);
}

async fn user_version(raw: &mut sqlx::SqliteConnection) -> i64 {
    sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(raw)
        .await
        .unwrap()
}

/// Since migration 0018 SQLite's score triggers add to the kept counts directly; the
/// changes a database appended for a fold before it are folded by the migration, and a
/// score published, superseded or deleted after it is counted without any change left.
#[tokio::test]
async fn sqlite_counts_scores_directly_from_0018_and_keeps_the_changes_appended_before() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/scores.db", dir.path().display());
    let db = Db::connect(&url).await.unwrap();
    let before = dir.path().join("before-0018");
    std::fs::create_dir(&before).unwrap();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/sqlite");
    for entry in std::fs::read_dir(&source).unwrap() {
        let name = entry.unwrap().file_name();
        if name.to_string_lossy().as_ref() < "0018" {
            std::fs::copy(source.join(&name), before.join(&name)).unwrap();
        }
    }
    let old = sqlx::migrate::Migrator::new(before.as_path())
        .await
        .unwrap();
    on_pool!(&db, |pool| old.run(pool).await.unwrap());
    let run = |statement: &'static str| {
        let db = &db;
        async move {
            on_pool!(db, |pool| sqlx::query(statement)
                .execute(pool)
                .await
                .map(|_| ())
                .unwrap());
        }
    };
    for statement in [
        "INSERT INTO members (id, code, name, slug, kind, commitment_prefix)
         VALUES (1, 'ESP', 'Spain', 'spain', 'national', 'ES')",
        "INSERT INTO action_plans (id, plan_key, member_id, number, status)
         VALUES (1, 'AP_ESP04', 1, 4, 'active'), (2, 'AP_ESP05', 1, 5, 'active')",
        "INSERT INTO commitments (id, code, plan_id, number, title)
         VALUES (1, 'ES0001', 1, '1', 'Open contracts'), (2, 'ES0002', 2, '1', 'Open budgets')",
        "INSERT INTO assessments (id, commitment_id, source, assessor, stage, scale, created_at)
         VALUES (1, 1, 'irm', 'IRM', 'design', 'classic', '2024-01-15T09:00:00Z'),
                (2, 2, 'irm', 'IRM', 'design', 'classic', '2024-01-15T09:00:00Z')",
        "INSERT INTO assessment_scores (assessment_id, indicator, value)
         VALUES (1, 'potential_impact', 'moderate'), (1, 'specificity', 'high'),
                (2, 'potential_impact', 'moderate')",
    ] {
        run(statement).await;
    }
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM score_changes").await,
        3,
        "0015's triggers appended a change per score"
    );

    // The migrations alone, without the fold `Db::migrate` runs after them: 0018 itself
    // counts what was appended.
    let all = sqlx::migrate::Migrator::new(source.as_path())
        .await
        .unwrap();
    on_pool!(&db, |pool| all.run(pool).await.unwrap());
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM score_changes").await, 0);
    assert_eq!(
        scalar(
            &db,
            "SELECT n FROM score_totals WHERE plan_id = 1 AND indicator = 'specificity'"
        )
        .await,
        1,
        "the appended change is counted"
    );
    db.migrate().await.unwrap();
    assert_kept_totals(&db).await;

    // Published, rescored, a score deleted, superseded, published again and deleted after
    // 0018: counted as it happens (each level within one step of the IRM's, so no
    // disagreement is owed a recount).
    for statement in [
        "INSERT INTO assessments (id, commitment_id, source, assessor, stage, scale, created_at)
         VALUES (3, 2, 'civil_society', 'Watch', 'design', 'classic', '2024-02-15T09:00:00Z')",
        "INSERT INTO assessment_scores (assessment_id, indicator, value)
         VALUES (3, 'potential_impact', 'minor'), (3, 'specificity', 'low')",
        "UPDATE assessment_scores SET value = 'moderate' WHERE assessment_id = 3
         AND indicator = 'potential_impact'",
        "DELETE FROM assessment_scores WHERE assessment_id = 3 AND indicator = 'specificity'",
        "UPDATE assessments SET status = 'superseded' WHERE id = 1",
        "UPDATE assessments SET status = 'published' WHERE id = 1",
        "UPDATE assessments SET status = 'superseded' WHERE id = 1",
        "DELETE FROM assessments WHERE id = 2",
    ] {
        run(statement).await;
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM score_changes").await,
            0,
            "{statement}"
        );
        assert_kept_totals(&db).await;
    }
    assert_eq!(
        scalar(
            &db,
            "SELECT COALESCE(SUM(n), 0) FROM score_totals WHERE plan_id = 1"
        )
        .await,
        0,
        "nothing published is left in the first plan"
    );
}
