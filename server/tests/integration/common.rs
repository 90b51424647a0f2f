use app::storage::{Backend, Db};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Keeps a test's database alive; the SQLite folder goes with it.
pub struct TestDb {
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh, migrated database.
pub async fn test_db() -> TestDb {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!(
                "ogp_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst),
                chrono::Utc::now().timestamp_micros()
            );
            let admin = Db::connect(&admin_url)
                .await
                .expect("connect to TEST_DATABASE_URL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin.pool)
                .await
                .expect("create test database");
            admin.pool.close().await;
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin_url);
            let db = Db::connect(&format!("{base}/{name}"))
                .await
                .expect("connect test database");
            assert_eq!(db.backend, Backend::Postgres);
            db.migrate().await.expect("migrate");
            TestDb { db, _dir: None }
        }
        _ => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/test.db", dir.path().display());
            let db = Db::connect(&url).await.expect("open sqlite");
            assert_eq!(db.backend, Backend::Sqlite);
            db.migrate().await.expect("migrate");
            TestDb {
                db,
                _dir: Some(dir),
            }
        }
    }
}

/// A file of `../shared/data/`.
pub fn shared_data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data")
        .join(name)
}

pub const CURRENT: &str = "ogp-commitments-open-parliament-2024.csv";
pub const EXPLORER: &str = "ogp-irm-explorer-2016.csv";

pub async fn count(db: &Db, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&db.pool)
        .await
        .expect("count");
    n
}

pub const TABLES: &[&str] = &[
    "members",
    "action_plans",
    "commitments",
    "commitment_values",
    "policy_areas",
    "commitment_policy_areas",
    "raw_values",
    "milestones",
    "progress_updates",
    "evidence_links",
    "assessments",
    "assessment_scores",
];

pub async fn counts(db: &Db) -> Vec<(String, i64)> {
    let mut all = Vec::new();
    for table in TABLES {
        all.push((table.to_string(), count(db, table).await));
    }
    all
}
