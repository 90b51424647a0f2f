use app::storage::{Backend, Db, Pooled};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `$body` with `$pool` bound to the pool of either database, for tests that reach
/// past the storage layer (to count rows or to age a session, say).
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            app::storage::Db::Sqlite($pool, _) => $body,
            app::storage::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Keeps a test's database alive: the SQLite folder goes with it, and a PostgreSQL
/// database is dropped when the test ends.
pub struct TestDb {
    pub db: Db,
    /// Where the database is, for a second app server's pool.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop cannot wait for async work: a thread with its own runtime drops the database.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let admin = sqlx::PgPool::connect(&admin_url).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&admin)
                    .await?;
                admin.close().await;
                Ok::<_, sqlx::Error>(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the test database {}", self.db_name());
        }
    }
}

impl TestDb {
    fn db_name(&self) -> String {
        self.postgres
            .as_ref()
            .map(|(_, name)| name.clone())
            .unwrap_or_default()
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The PostgreSQL server the suite runs on, when `TEST_DATABASE_URL` names one.
pub fn postgres_server() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A fresh, migrated database.
pub async fn test_db() -> TestDb {
    match postgres_server() {
        Some(admin_url) => {
            let name = format!(
                "ogp_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst),
                chrono::Utc::now().timestamp_micros()
            );
            let admin = sqlx::PgPool::connect(&admin_url)
                .await
                .expect("connect to TEST_DATABASE_URL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await
                .expect("create test database");
            admin.close().await;
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin_url);
            let url = format!("{base}/{name}");
            let db = Db::connect(&url).await.expect("connect test database");
            assert_eq!(db.backend(), Backend::Postgres);
            db.migrate().await.expect("migrate");
            TestDb {
                db,
                url,
                _dir: None,
                postgres: Some((admin_url, name)),
            }
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/test.db", dir.path().display());
            let db = Db::connect(&url).await.expect("open sqlite");
            assert_eq!(db.backend(), Backend::Sqlite);
            db.migrate().await.expect("migrate");
            TestDb {
                db,
                url,
                _dir: Some(dir),
                postgres: None,
            }
        }
    }
}

/// A connection for calling storage functions directly.
pub async fn conn(db: &Db) -> Pooled {
    db.acquire().await.expect("a connection")
}

/// A file of `../shared/data/`.
pub fn shared_data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data")
        .join(name)
}

pub const CURRENT: &str = "ogp-commitments-open-parliament-2024.csv";
pub const EXPLORER: &str = "ogp-irm-explorer-2016.csv";

/// The one number `sql` answers.
pub async fn scalar(db: &Db, sql: &str) -> i64 {
    let (n,): (i64,) = on_pool!(db, |pool| sqlx::query_as(sql)
        .fetch_one(pool)
        .await
        .expect(sql));
    n
}

/// Runs `sql` in a transaction committed as the app commits its writes, so that the
/// site's version changes and no app server answers with a page kept from before.
pub async fn write_sql(db: &Db, sql: &str) {
    let mut tx = db.begin().await.unwrap();
    match app::storage::Conn::native(&mut tx) {
        app::storage::Native::Sqlite(c) => sqlx::query(sql).execute(c).await.map(|_| ()),
        app::storage::Native::Postgres(c) => sqlx::query(sql).execute(c).await.map(|_| ()),
    }
    .expect(sql);
    tx.commit().await.unwrap();
}

pub async fn count(db: &Db, table: &str) -> i64 {
    scalar(db, &format!("SELECT COUNT(*) FROM {table}")).await
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
    "changes",
    "change_entries",
];

pub async fn counts(db: &Db) -> Vec<(String, i64)> {
    let mut all = Vec::new();
    for table in TABLES {
        all.push((table.to_string(), count(db, table).await));
    }
    all
}

/// The version a milestone is at now, as its page would carry it.
pub async fn milestone_version(db: &Db, milestone: i64) -> i64 {
    scalar(
        db,
        &format!("SELECT version FROM milestones WHERE id = {milestone}"),
    )
    .await
}

/// The audit lines of one action, newest first.
pub async fn audit_lines(db: &Db, action: &str) -> Vec<app::domain::AuditEntry> {
    let (entries, _) = app::storage::audit_page(&mut conn(db).await, 500, 0)
        .await
        .expect("the audit log");
    entries.into_iter().filter(|e| e.action == action).collect()
}

/// Fails unless the totals and counts the writes keep (migrations 0012 and 0015) equal what
/// the rows say now, before and after their changes are folded: the overview's totals on
/// days before, among and after the milestones' planned ends, each commitment's
/// disagreements, and each member's and plan's scores summary.
pub async fn assert_kept_totals(db: &Db) {
    assert_kept_totals_read(db).await;
    // Folding the changes into the counts reads the same.
    let mut tx = db.begin().await.unwrap();
    app::storage::fold_total_changes(&mut tx).await.unwrap();
    tx.commit_unseen().await.unwrap();
    let left = scalar(
        db,
        "SELECT (SELECT COUNT(*) FROM total_changes) + (SELECT COUNT(*) FROM score_changes)",
    )
    .await;
    assert_eq!(left, 0, "changes left after a fold");
    assert_kept_totals_read(db).await;
    // Folded, the kept score counts are exactly the published scores counted, with no
    // count at zero or below left behind (of plans no page reads, say).
    let recount = "SELECT c.plan_id, a.scale, a.stage, a.source, s.indicator, s.value,
            COUNT(*) AS n
        FROM assessment_scores s
        JOIN assessments a ON a.id = s.assessment_id AND a.status = 'published'
        JOIN commitments c ON c.id = a.commitment_id
        GROUP BY c.plan_id, a.scale, a.stage, a.source, s.indicator, s.value";
    let kept = "SELECT plan_id, scale, stage, source, indicator, value, n FROM score_totals";
    let differing = format!(
        "SELECT COUNT(*) FROM (SELECT * FROM ({recount}) r EXCEPT SELECT * FROM ({kept}) k) d"
    );
    assert_eq!(scalar(db, &differing).await, 0, "score counts missing");
    let differing = format!(
        "SELECT COUNT(*) FROM (SELECT * FROM ({kept}) k EXCEPT SELECT * FROM ({recount}) r) d"
    );
    assert_eq!(
        scalar(db, &differing).await,
        0,
        "score counts not in the scores"
    );
}

async fn assert_kept_totals_read(db: &Db) {
    use app::domain::{disagreements, CommitmentScores, ScoresSummary};
    use app::storage::ScoresOf;
    let mut c = conn(db).await;
    for day in ["1990-01-01", "2016-06-30", "2024-01-01", "2100-01-01"] {
        let day: chrono::NaiveDate = day.parse().unwrap();
        let kept = app::storage::overview(&mut c, day).await.unwrap();
        let recounted = app::storage::overview_recounted(&mut c, day).await.unwrap();
        assert_eq!(
            app::domain::Overview {
                recent_updates: Vec::new(),
                ..kept
            },
            recounted,
            "the kept totals on {day}"
        );
    }
    let rows: Vec<(i64, String, String, i64, String, String)> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT c.id, c.code, c.title, c.disagreements, p.plan_key, m.slug
             FROM commitments c JOIN action_plans p ON p.id = c.plan_id
             JOIN members m ON m.id = p.member_id ORDER BY m.slug, p.plan_key, c.id",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    });
    let mut plans: Vec<(String, Vec<CommitmentScores>)> = Vec::new();
    let mut members: Vec<(String, Vec<CommitmentScores>)> = Vec::new();
    for (id, code, title, kept, plan, member) in rows {
        let assessments = app::storage::assessments_of(&mut c, id).await.unwrap();
        assert_eq!(
            kept as usize,
            disagreements(&assessments),
            "the disagreements kept for {code}"
        );
        let scores = CommitmentScores {
            code,
            title,
            assessments,
        };
        for (key, groups) in [(plan, &mut plans), (member, &mut members)] {
            match groups.last_mut() {
                Some((last, group)) if *last == key => group.push(scores.clone()),
                _ => groups.push((key, vec![scores.clone()])),
            }
        }
    }
    let plans = plans
        .iter()
        .map(|(key, group)| (ScoresOf::Plan(key), group));
    let members = members
        .iter()
        .map(|(slug, group)| (ScoresOf::Member(slug), group));
    for (of, commitments) in plans.chain(members) {
        let summary = app::storage::scores_summary(&mut c, of).await.unwrap();
        assert_eq!(summary, ScoresSummary::of(commitments), "{of:?}");
    }
}
