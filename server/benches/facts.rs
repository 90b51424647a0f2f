//! How long the facts that searches and dashboards count (`storage::FactsAt`) take to work
//! out: in full (a start, a new day, a write that declared nothing) and again after one
//! write declared the commitments it changed (a progress update, an IRM assessment), which
//! is what the first search or dashboard after a write waits for; and the overview's
//! dashboard counted from them. Demo data at BENCH_SCALE (default 10; a SQLite file of that
//! scale made by `bench/dashboards.sh` is copied when it is there, else demo data is
//! generated), on SQLite and, with BENCH_DATABASE_URL, on PostgreSQL (generated).
//!
//! Run with `cargo bench -p ogp-tracker --bench facts`.

mod support;

use app::domain::{
    Assessment, AssessmentSource, Completion, Indicator, MilestoneStatus, Rating, ScaleSet, Scope,
    Score, ScoreValue, Stage,
};
use app::storage::{self, Db, FactsAt};
use chrono::Utc;
use ogp_tracker::commands::demo::{self, DemoConfig};
use std::time::{Duration, Instant};
use support::fresh_database;

const FULL_RUNS: usize = 3;
const WRITES: usize = 20;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    (ms(samples[samples.len() / 2]), ms(*samples.last().unwrap()))
}

/// The id of the `n`th milestone (of those not withdrawn, counted round), its commitment
/// and version.
async fn nth_milestone(db: &Db, n: i64) -> (i64, i64, i64) {
    const NTH: &str = "SELECT id, commitment_id, version FROM milestones
        WHERE status <> 'withdrawn' ORDER BY id LIMIT 1
        OFFSET $1 % (SELECT COUNT(*) FROM milestones WHERE status <> 'withdrawn')";
    match db {
        Db::Sqlite(pool, _) => sqlx::query_as(NTH).bind(n).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_as(NTH).bind(n).fetch_one(pool).await.unwrap(),
    }
}

async fn measure(label: &str, db: Db, scale: f64) {
    let today = Utc::now().date_naive();
    let mut conn = db.acquire().await.unwrap();
    let mut full = Vec::new();
    let mut facts = FactsAt::in_full(&mut conn, today).await.unwrap();
    let commitments = facts.described().len();
    for _ in 0..FULL_RUNS {
        let started = Instant::now();
        facts = FactsAt::in_full(&mut conn, today).await.unwrap();
        full.push(started.elapsed());
    }
    // The overview's dashboard, counted from the facts an app server keeps: first from
    // nothing, then again with them kept, then after each pair of writes below.
    let overview = || storage::whole_dashboard(&db, &Scope::All, today);
    let started = Instant::now();
    overview().await.unwrap().unwrap();
    let dashboard_first = started.elapsed();
    let mut dashboard_kept = Vec::new();
    for _ in 0..FULL_RUNS {
        let started = Instant::now();
        overview().await.unwrap().unwrap();
        dashboard_kept.push(started.elapsed());
    }
    let (mut updated, mut assessed, mut dashboards) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..WRITES as i64 {
        // A milestone's state changed with a progress update, as the update form does.
        let (milestone, commitment, version) = nth_milestone(&db, n * 997).await;
        let mut tx = db.begin().await.unwrap();
        storage::set_milestone_state(
            &mut tx,
            milestone,
            version,
            &storage::MilestoneState {
                status: MilestoneStatus::InProgress,
                progress: 50,
                completed_on: None,
            },
        )
        .await
        .unwrap();
        storage::index_update(&mut tx, commitment, "A progress update, measured.")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let started = Instant::now();
        facts = facts.caught_up(&mut conn, today).await.unwrap();
        updated.push(started.elapsed());
        assert_eq!(facts.refreshed.as_deref(), Some(&[commitment][..]));

        // An IRM end-of-term assessment.
        let mut tx = db.begin().await.unwrap();
        storage::save_assessment(
            &mut tx,
            commitment,
            &Assessment {
                source: AssessmentSource::Irm,
                assessor: "Bench".into(),
                stage: Stage::EndOfTerm,
                scale: ScaleSet::Refreshed,
                scores: vec![Score {
                    indicator: Indicator::Completion,
                    value: ScoreValue::Rated(Rating::Completion(Completion::Substantial)),
                    justification: None,
                    evidence: Vec::new(),
                }],
            },
            Utc::now(),
            true,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let started = Instant::now();
        facts = facts.caught_up(&mut conn, today).await.unwrap();
        assessed.push(started.elapsed());
        assert!(facts.refreshed.is_some());
        let started = Instant::now();
        overview().await.unwrap().unwrap();
        dashboards.push(started.elapsed());
    }
    let (full_p50, full_max) = median(full);
    let (update_p50, update_max) = median(updated);
    let (assessed_p50, assessed_max) = median(assessed);
    let (kept_p50, kept_max) = median(dashboard_kept);
    let (dashboard_p50, dashboard_max) = median(dashboards);
    println!(
        "{label}, scale {scale} ({commitments} commitments): in full {full_p50:.0} ms \
         (slowest {full_max:.0} ms, {FULL_RUNS} runs); after a progress update {update_p50:.1} ms \
         (slowest {update_max:.1} ms); after an assessment {assessed_p50:.1} ms \
         (slowest {assessed_max:.1} ms), {WRITES} writes each"
    );
    println!(
        "{label}, scale {scale}: the overview's dashboard from nothing {:.0} ms; with the \
         facts kept {kept_p50:.1} ms (slowest {kept_max:.1} ms, {FULL_RUNS} runs); after a \
         progress update and an assessment {dashboard_p50:.1} ms (slowest \
         {dashboard_max:.1} ms, {WRITES} runs)",
        ms(dashboard_first)
    );
}

async fn demo_data(db: &Db, scale: f64) {
    demo::generate(
        db,
        &ogp_tracker::commands::Actor::CommandLine,
        &DemoConfig {
            scale,
            ..DemoConfig::default()
        },
    )
    .await
    .unwrap();
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let scale: f64 = std::env::var("BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("facts.db");
    let made = std::path::PathBuf::from(format!(
        "{}/../target/bench-dashboards/scale-{scale}.db",
        env!("CARGO_MANIFEST_DIR")
    ));
    // With its write-ahead log, which may hold the latest pages.
    let copied = made.exists() && std::fs::copy(&made, &file).is_ok();
    let wal = made.with_extension("db-wal");
    if copied && wal.exists() {
        std::fs::copy(&wal, file.with_extension("db-wal")).unwrap();
    }
    let (db, _) = fresh_database(&format!("sqlite://{}", file.display())).await;
    if !copied {
        demo_data(&db, scale).await;
    }
    measure("SQLite", db, scale).await;
    match std::env::var("BENCH_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let (db, guard) = fresh_database(&url).await;
            demo_data(&db, scale).await;
            measure("PostgreSQL", db.clone(), scale).await;
            if let Some(guard) = guard {
                guard.drop_now(db).await;
            }
        }
        _ => println!("PostgreSQL: skipped (set BENCH_DATABASE_URL to a server to include it)"),
    }
}
