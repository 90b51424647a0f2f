//! How fast `/commitments/{code}` renders for the busiest demo commitment (most milestones
//! and progress updates), on SQLite and, when `BENCH_DATABASE_URL` names a PostgreSQL
//! server, on PostgreSQL. Demo data at scale 1; requests go through the whole router
//! (security layer, server-side rendering) in process, so no network is measured.
//!
//! Run with `cargo bench -p ogp-tracker --bench commitment_page`
//! (`BENCH_DATABASE_URL=$(scripts/postgres.sh)` for PostgreSQL too).

mod support;

use app::storage::Db;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use ogp_tracker::commands::demo::{self, DemoConfig};
use ogp_tracker::http::{router, AppState};
use std::time::{Duration, Instant};
use support::fresh_database;
use tower::ServiceExt;

const WARM_UP: usize = 20;
const SEQUENTIAL: usize = 300;
const CONCURRENT_TASKS: usize = 16;
const CONCURRENT_FOR: Duration = Duration::from_secs(5);

/// The commitment with the most milestones and progress updates.
async fn busiest_commitment(db: &Db) -> (String, i64, i64) {
    const BUSIEST: &str = "SELECT code, milestones, updates FROM (SELECT c.code,
            (SELECT COUNT(*) FROM milestones ms WHERE ms.commitment_id = c.id) AS milestones,
            (SELECT COUNT(*) FROM progress_updates u JOIN milestones ms ON ms.id = u.milestone_id
              WHERE ms.commitment_id = c.id) AS updates
         FROM commitments c) counted ORDER BY milestones + updates DESC, code LIMIT 1";
    match db {
        Db::Sqlite(pool, _) => sqlx::query_as(BUSIEST).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_as(BUSIEST).fetch_one(pool).await.unwrap(),
    }
}

async fn render(app: &axum::Router, path: &str) -> usize {
    let response = app
        .clone()
        .oneshot(Request::builder().uri(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .len()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1e3
}

async fn measure(label: &str, url: &str) {
    let (db, guard) = fresh_database(url).await;
    let started = Instant::now();
    let summary = demo::generate(
        &db,
        &ogp_tracker::commands::Actor::CommandLine,
        &DemoConfig::default(),
    )
    .await
    .unwrap();
    println!(
        "{label}: demo data in {:.1} s ({summary})",
        started.elapsed().as_secs_f64()
    );
    // Statistics as a running installation has them (autovacuum would gather them soon).
    match &db {
        Db::Sqlite(pool, _) => sqlx::query("ANALYZE").execute(pool).await.map(|_| ()),
        Db::Postgres(pool) => sqlx::query("ANALYZE").execute(pool).await.map(|_| ()),
    }
    .unwrap();
    let (code, milestones, updates) = busiest_commitment(&db).await;
    let path = format!("/commitments/{code}");
    let options = LeptosOptions::builder().output_name("ogp-tracker").build();
    let app = router(AppState::new(options, db.clone()));

    let mut bytes = 0;
    for _ in 0..WARM_UP {
        bytes = render(&app, &path).await;
    }
    let mut samples = Vec::with_capacity(SEQUENTIAL);
    for _ in 0..SEQUENTIAL {
        let started = Instant::now();
        render(&app, &path).await;
        samples.push(started.elapsed());
    }
    samples.sort();

    let deadline = Instant::now() + CONCURRENT_FOR;
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENT_TASKS {
        let (app, path) = (app.clone(), path.clone());
        tasks.push(tokio::spawn(async move {
            let mut done = 0usize;
            while Instant::now() < deadline {
                render(&app, &path).await;
                done += 1;
            }
            done
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    println!(
        "{label}: {path} ({milestones} milestones, {updates} updates, {bytes} bytes): \
         one at a time p50 {:.2} ms, p99 {:.2} ms; {CONCURRENT_TASKS} at once {:.0} req/s",
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        total as f64 / CONCURRENT_FOR.as_secs_f64(),
    );
    if let Some(guard) = guard {
        guard.drop_now(db).await;
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    measure(
        "SQLite",
        &format!("sqlite://{}/bench.db", dir.path().display()),
    )
    .await;
    match std::env::var("BENCH_DATABASE_URL") {
        Ok(url) if !url.is_empty() => measure("PostgreSQL", &url).await,
        _ => println!("PostgreSQL: skipped (set BENCH_DATABASE_URL to a server to include it)"),
    }
}
