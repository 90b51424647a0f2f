//! No lost updates: every edit names the version it was made from, and of two edits made
//! from the same version, one wins and the other is refused with nothing of it written.

use crate::browser::*;
use crate::common::*;
use axum::http::StatusCode;
use std::sync::Arc;

async fn poc_browsers(db: &app::storage::Db) -> (i64, Browser, Browser) {
    small_demo(db).await;
    let milestone = open_demo_milestone(db).await;
    let router = test_router(db);
    let first = signed_in_poc(db, &router, "first@ministry.example", &milestone.lead).await;
    let second = signed_in_poc(db, &router, "second@ministry.example", &milestone.lead).await;
    (milestone.id, first, second)
}

#[tokio::test]
async fn a_stale_edit_is_refused_with_the_current_values_and_what_was_typed() {
    let t = test_db().await;
    let (milestone, mut first, mut second) = poc_browsers(&t.db).await;
    let version = milestone_version(&t.db, milestone).await;
    // Both opened the page at the same version; the first sends.
    let won = first
        .post_update(milestone, "in_progress", "45", "Tender launched.", version)
        .await;
    assert_eq!(won.status, StatusCode::SEE_OTHER, "{}", won.body);
    let before = counts(&t.db).await;
    let stale = second
        .post_update(
            milestone,
            "in_progress",
            "30",
            "Consultation held.",
            version,
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(
        counts(&t.db).await,
        before,
        "nothing of the stale edit is written"
    );
    // The page answered is the milestone's, at the address posted to: what is saved now
    // beside what the person typed, with the new version to send it again.
    assert!(
        stale.body.contains("data-progress=\"45\""),
        "current value shown"
    );
    assert!(
        stale.body.contains(">Consultation held.</textarea>"),
        "typed text kept"
    );
    assert!(stale.body.contains("value=\"30\""), "typed progress kept");
    assert!(stale
        .body
        .contains(&format!("name=\"version\" value=\"{}\"", version + 1)));
    assert!(stale.body.contains("notice-error"));
    // Sending it again from the current version works.
    let again = second
        .post_update(
            milestone,
            "in_progress",
            "30",
            "Consultation held.",
            version + 1,
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(milestone_version(&t.db, milestone).await, version + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_parallel_edits_from_one_version_exactly_one_wins() {
    let t = test_db().await;
    let (milestone, first, second) = poc_browsers(&t.db).await;
    for round in 0..8 {
        let version = milestone_version(&t.db, milestone).await;
        let updates_before = count(&t.db, "progress_updates").await;
        let changes_before = count(&t.db, "changes").await;
        // Both requests start together, each on its own task.
        let start = Arc::new(tokio::sync::Barrier::new(2));
        let send = |mut browser: Browser, narrative: String, progress: &'static str| {
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                browser
                    .post_update(milestone, "in_progress", progress, &narrative, version)
                    .await
                    .status
            })
        };
        let a = send(first.clone(), format!("Round {round}, first."), "61");
        let b = send(second.clone(), format!("Round {round}, second."), "62");
        let mut statuses = vec![a.await.unwrap(), b.await.unwrap()];
        statuses.sort();
        assert_eq!(
            statuses,
            vec![StatusCode::SEE_OTHER, StatusCode::CONFLICT],
            "round {round}"
        );
        assert_eq!(count(&t.db, "progress_updates").await, updates_before + 1);
        assert_eq!(count(&t.db, "changes").await, changes_before + 1);
        assert_eq!(milestone_version(&t.db, milestone).await, version + 1);
    }
}

/// The version a refused form was rendered with.
fn rendered_version(body: &str) -> i64 {
    let start = body
        .find("name=\"version\" value=\"")
        .expect("a version field")
        + 22;
    body[start..].split('"').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn mending_a_refused_edit_never_overwrites_a_change_made_meanwhile() {
    let t = test_db().await;
    let (milestone, mut first, mut second) = poc_browsers(&t.db).await;
    let version = milestone_version(&t.db, milestone).await;
    // The second person's edit is refused for its progress; the page keeps its version.
    let refused = second
        .post_update(
            milestone,
            "in_progress",
            "150",
            "Consultation held.",
            version,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(rendered_version(&refused.body), version);
    // Meanwhile the first person saves a change.
    let won = first
        .post_update(milestone, "in_progress", "45", "Tender launched.", version)
        .await;
    assert_eq!(won.status, StatusCode::SEE_OTHER);
    // The mended edit, sent from the refused page, is stale: it must not overwrite.
    let before = counts(&t.db).await;
    let mended_from = rendered_version(&refused.body);
    let stale = second
        .post_update(
            milestone,
            "in_progress",
            "30",
            "Consultation held.",
            mended_from,
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(counts(&t.db).await, before);
    assert_eq!(
        rendered_version(&stale.body),
        version + 1,
        "now the current version"
    );
    // A stale edit with a wrong field is refused as stale: what changed is shown first.
    let both = second
        .post_update(milestone, "in_progress", "150", "x", version)
        .await;
    assert_eq!(both.status, StatusCode::CONFLICT);
}

/// SQLite writers of one app server take their turns in the order they came, in the
/// storage layer's queue, rather than retrying in SQLite's busy handler (which sleeps and
/// retries in no order, and answers "database is locked" past its timeout).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_writers_of_one_server_take_turns_in_the_order_they_came() {
    let dir = tempfile::tempdir().unwrap();
    let db = app::storage::Db::connect(&format!("sqlite://{}/queue.db", dir.path().display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    write_sql(&db, "CREATE TABLE turns (n INTEGER NOT NULL)").await;
    let first = db.begin().await.unwrap();
    let mut writers = Vec::new();
    for n in 1..=12 {
        let db = db.clone();
        let (waiting, is_waiting) = tokio::sync::oneshot::channel();
        writers.push(tokio::spawn(async move {
            let _ = waiting.send(());
            // Polled at once after the signal: the writer joins the queue.
            let mut tx = db.begin().await.unwrap();
            let sql = format!("INSERT INTO turns (n) VALUES ({n})");
            match app::storage::Conn::native(&mut tx) {
                app::storage::Native::Sqlite(c) => sqlx::query(&sql).execute(c).await.unwrap(),
                app::storage::Native::Postgres(_) => unreachable!("a SQLite database"),
            };
            tx.commit().await.unwrap();
        }));
        // Each is waiting before the next starts: it has begun, and had time to be queued.
        is_waiting.await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    first.rollback().await.unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    let turns: Vec<i64> = on_pool!(&db, |pool| sqlx::query_scalar(
        "SELECT n FROM turns ORDER BY rowid"
    )
    .fetch_all(pool)
    .await
    .unwrap());
    assert_eq!(turns, (1..=12).collect::<Vec<i64>>());
}

/// The browser sends the update form with `fetch` and then loads its page again: the JSON
/// answer leaves the notice for that page, which shows it once.
#[tokio::test]
async fn an_update_sent_by_a_script_leaves_its_notice_for_the_next_page() {
    let t = test_db().await;
    let (milestone, mut poc, _) = poc_browsers(&t.db).await;
    let version = milestone_version(&t.db, milestone).await.to_string();
    let (status, json) = poc
        .post_json(
            &format!("/milestones/{milestone}/updates"),
            &[
                ("status", "in_progress"),
                ("progress", "45"),
                ("narrative", "Tender launched."),
                ("evidence", ""),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["ok"], true);
    let page = poc.get(&format!("/milestones/{milestone}/updates")).await;
    let saved = app::i18n::text(app::i18n::Lang::En, app::i18n::Key::NoticeUpdateSaved);
    assert!(
        page.body.contains(saved) && page.body.contains("Tender launched."),
        "{}",
        page.body
    );
    let again = poc.get(&format!("/milestones/{milestone}/updates")).await;
    assert!(!again.body.contains("notice-success"), "shown once");
}
