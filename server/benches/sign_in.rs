//! How long sign-in takes for a wrong password, an unknown e-mail and the right password.
//! The first two must cost about the same, so timing does not tell whether an account
//! exists. Run with `cargo bench -p ogp-tracker --bench sign_in`.

use app::error::AppError;
use app::input::SignInInput;
use app::storage::{self, Db};
use ogp_tracker::auth;
use ogp_tracker::commands::accounts;
use std::time::{Duration, Instant};

const ROUNDS: usize = 40;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

async fn attempt(db: &Db, email: &str, password: &str, round: usize) -> Duration {
    // A fresh address and cleared account attempts, so throttling never answers early.
    storage::clear_sign_in_attempts(&mut db.acquire().await.unwrap(), "account", email)
        .await
        .unwrap();
    let address = format!("bench-{round}");
    let input = SignInInput {
        email: email.to_string(),
        password: password.to_string(),
        next: String::new(),
    };
    let started = Instant::now();
    let outcome = accounts::sign_in(db, &address, &input).await;
    let elapsed = started.elapsed();
    assert!(!matches!(outcome, Err(AppError::Throttled { .. })));
    elapsed
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite://{}/bench.db", dir.path().display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let hash = auth::hash_password("the right password").unwrap();
    let mut tx = db.begin().await.unwrap();
    storage::insert_user(
        &mut tx,
        "ana@example.org",
        "Ana",
        Some(&hash),
        false,
        storage::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    let mut right = Vec::new();
    for round in 0..ROUNDS {
        wrong.push(attempt(&db, "ana@example.org", "a wrong password", round).await);
        unknown.push(
            attempt(
                &db,
                &format!("nobody{round}@example.org"),
                "a wrong password",
                round,
            )
            .await,
        );
        right.push(attempt(&db, "ana@example.org", "the right password", round).await);
    }
    let (wrong, unknown, right) = (median(wrong), median(unknown), median(right));
    println!("sign-in, median of {ROUNDS} rounds (SQLite):");
    println!("  wrong password  {:>8.1} ms", wrong.as_secs_f64() * 1e3);
    println!("  unknown e-mail  {:>8.1} ms", unknown.as_secs_f64() * 1e3);
    println!("  right password  {:>8.1} ms", right.as_secs_f64() * 1e3);
    let gap = (wrong.as_secs_f64() - unknown.as_secs_f64()).abs() / wrong.as_secs_f64();
    println!("  unknown vs wrong differ by {:.1}%", gap * 100.0);
}
