//! How long a plan's CSV upload of 40 commitments and 70 milestones takes to preview and to
//! apply, entered into an empty plan of an installation holding the demo data at scale 1,
//! on SQLite and, when `BENCH_DATABASE_URL` names a PostgreSQL server, on PostgreSQL. Also
//! the preview of the same plan downloaded again and sent back unchanged.
//!
//! Run with `cargo bench -p ogp-tracker --bench plan_upload`
//! (`BENCH_DATABASE_URL=$(scripts/postgres.sh)` for PostgreSQL too).

mod support;

use app::storage::Db;
use ogp_tracker::commands::demo::{self, DemoConfig};
use ogp_tracker::commands::plan_csv::Apply;
use ogp_tracker::commands::{plan_csv, plans, Actor};
use std::time::{Duration, Instant};
use support::fresh_database;

const RUNS: usize = 5;
const COMMITMENTS: usize = 40;
const MILESTONES: usize = 70;

/// The file: every commitment new, the milestones spread over them.
fn file() -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(plan_csv::COLUMNS).unwrap();
    let mut milestone = 0;
    for c in 0..COMMITMENTS {
        let count = if c < MILESTONES - COMMITMENTS { 2 } else { 1 };
        for _ in 0..count {
            milestone += 1;
            let title = format!("Commitment {c} of the benchmark");
            let step = format!("Deliverable {milestone}");
            let record: [&str; 18] = [
                "",
                &title,
                "Publishes what it does",
                "Ministry of Finance",
                "2026-01-01",
                "2028-06-30",
                "",
                &step,
                "",
                "Statistics office",
                "2026-02-01",
                "2027-05-31",
                "",
                "",
                "",
                "",
                "",
                "",
            ];
            out.write_record(record).unwrap();
        }
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1e3
}

async fn empty_plan(db: &Db, member: &str, number: usize) -> String {
    let input = app::input::PlanInput {
        number: number.to_string(),
        start_date: "2026-01-01".into(),
        end_date: "2028-12-31".into(),
        ..Default::default()
    };
    plans::create(db, &Actor::CommandLine, member, &input)
        .await
        .unwrap()
        .key
}

async fn measure(label: &str, url: &str) {
    let (db, guard) = fresh_database(url).await;
    demo::generate(&db, &Actor::CommandLine, &DemoConfig::default())
        .await
        .unwrap();
    let actor = Actor::CommandLine;
    let text = file();
    let (mut previews, mut applies, mut unchanged) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..RUNS {
        let key = empty_plan(&db, "XAA", 90 + run).await;
        let started = Instant::now();
        let preview = plan_csv::upload(&db, &actor, &key, "bench.csv", text.as_bytes(), Apply::No)
            .await
            .unwrap();
        previews.push(started.elapsed());
        assert_eq!(preview.rows.len(), MILESTONES);
        let started = Instant::now();
        let applied = plan_csv::upload(&db, &actor, &key, "bench.csv", text.as_bytes(), Apply::Yes)
            .await
            .unwrap();
        applies.push(started.elapsed());
        assert!(applied.applied);
        let again = plan_csv::download(&mut db.acquire().await.unwrap(), &key)
            .await
            .unwrap();
        let started = Instant::now();
        let same = plan_csv::upload(&db, &actor, &key, "again.csv", again.as_bytes(), Apply::Yes)
            .await
            .unwrap();
        unchanged.push(started.elapsed());
        assert!(!same.changes_anything());
    }
    println!(
        "{label}: {COMMITMENTS} commitments, {MILESTONES} milestones into an empty plan \
         (median of {RUNS}): preview {:.1} ms, apply {:.1} ms; the plan sent back unchanged: \
         preview {:.1} ms",
        median(previews),
        median(applies),
        median(unchanged),
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
