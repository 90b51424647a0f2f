//! A plan's bulk CSV round trip: download, edit offline, preview the upload row by row,
//! apply it in one transaction only when nothing is refused.

use crate::browser::*;
use crate::common::*;
use app::domain::{RowKind, UploadPreview};
use app::i18n::Key;
use app::storage::Db;
use axum::http::{header, StatusCode};
use ogp_tracker::commands::plan_csv::Apply;
use ogp_tracker::commands::{plan_csv, plans, Actor, AppError};

/// A new, empty draft plan of XAA; its key.
async fn empty_plan(db: &Db) -> String {
    let number = scalar(
        db,
        "SELECT COALESCE(MAX(p.number), 0) + 1 FROM action_plans p
         JOIN members m ON m.id = p.member_id WHERE m.code = 'XAA'",
    )
    .await;
    let input = app::input::PlanInput {
        number: number.to_string(),
        start_date: "2026-01-01".into(),
        end_date: "2028-12-31".into(),
        ..Default::default()
    };
    plans::create(db, &Actor::CommandLine, "XAA", &input)
        .await
        .unwrap()
        .key
}

/// A plan of XAA with commitments and milestones, from the demo data.
async fn demo_plan(db: &Db) -> String {
    on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT p.plan_key FROM action_plans p JOIN members m ON m.id = p.member_id
         JOIN commitments c ON c.plan_id = p.id JOIN milestones ms ON ms.commitment_id = c.id
         WHERE m.code = 'XAA' AND c.withdrawn_on IS NULL
         GROUP BY p.plan_key ORDER BY COUNT(ms.id) DESC LIMIT 1"
    )
    .fetch_one(pool)
    .await
    .unwrap())
}

/// A member-wide point of contact of XAA, as the command line acts for them.
async fn poc_actor(db: &Db) -> Actor {
    add_user(
        db,
        "sheet@xaa.example",
        &[(app::domain::Role::Poc, Some("XAA"), None)],
    )
    .await;
    ogp_tracker::commands::accounts::account_actor(db, "sheet@xaa.example")
        .await
        .unwrap()
}

/// A browser signed in as a new member-wide point of contact of XAA.
async fn member_wide_poc(db: &Db, router: &axum::Router, email: &str) -> Browser {
    add_user(db, email, &[(app::domain::Role::Poc, Some("XAA"), None)]).await;
    let mut browser = Browser::new(router);
    browser.sign_in(email, PASSWORD).await;
    browser
}

async fn download(db: &Db, key: &str) -> String {
    plan_csv::download(&mut conn(db).await, key).await.unwrap()
}

/// The rows of a CSV text, cells split (no cell of these tests holds a comma or quote).
fn table(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn to_csv(rows: &[Vec<String>]) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in rows {
        out.write_record(row).unwrap();
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

/// Everything an applied upload could change.
async fn state(db: &Db) -> Vec<i64> {
    let mut all = Vec::new();
    for table in [
        "commitments",
        "milestones",
        "progress_updates",
        "evidence_links",
        "changes",
    ] {
        all.push(count(db, table).await);
    }
    for sum in [
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM commitments",
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM milestones",
    ] {
        all.push(scalar(db, sum).await);
    }
    all
}

fn kinds(preview: &UploadPreview) -> Vec<RowKind> {
    preview.rows.iter().map(|r| r.kind).collect()
}

/// A file of `commitments` new commitments with `milestones` new milestones among them.
fn bulk_file(commitments: usize, milestones: usize) -> String {
    let mut rows = vec![plan_csv::COLUMNS.iter().map(|c| c.to_string()).collect()];
    for c in 0..commitments {
        let per = milestones / commitments + usize::from(c < milestones % commitments);
        let head = |row: &mut Vec<String>| {
            row.extend([
                String::new(),
                format!("Bulk commitment {c:02}"),
                format!("What commitment {c} does"),
                format!("Ministry {}", c % 5),
                "2026-01-01".into(),
                "2028-06-30".into(),
            ]);
        };
        for m in 0..per.max(1) {
            let mut row = Vec::new();
            head(&mut row);
            if per == 0 {
                row.extend(std::iter::repeat_n(String::new(), 12));
            } else {
                row.extend([
                    String::new(),
                    format!("Step {m} of commitment {c}"),
                    String::new(),
                    format!("Agency {m}"),
                    "2026-02-01".into(),
                    format!("2027-0{}-28", m % 9 + 1),
                    if m == 0 { "2".into() } else { String::new() },
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
            rows.push(row);
        }
    }
    to_csv(&rows)
}

#[tokio::test]
async fn a_plan_downloaded_and_uploaded_unchanged_changes_nothing() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let key = demo_plan(&t.db).await;
    let router = test_router(&t.db);
    let mut visitor = Browser::new(&router);
    let file = visitor.get(&format!("/plans/{key}/csv")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert_eq!(
        file.headers[header::CONTENT_DISPOSITION].to_str().unwrap(),
        format!("attachment; filename=\"{key}.csv\"; filename*=UTF-8''{key}.csv")
    );
    let rows = table(&file.body);
    assert_eq!(rows[0], plan_csv::COLUMNS);
    let milestones = scalar(
        &t.db,
        &format!(
            "SELECT COUNT(*) FROM milestones ms JOIN commitments c ON c.id = ms.commitment_id
             JOIN action_plans p ON p.id = c.plan_id WHERE p.plan_key = '{key}'"
        ),
    )
    .await;
    assert!(
        rows.len() as i64 > milestones,
        "a row per milestone at least"
    );

    let actor = poc_actor(&t.db).await;
    let before = state(&t.db).await;
    let preview = plan_csv::upload(
        &t.db,
        &actor,
        &key,
        "plan.csv",
        file.body.as_bytes(),
        Apply::Yes,
    )
    .await
    .unwrap();
    assert!(
        preview.rows.iter().all(|r| r.kind == RowKind::Unchanged),
        "{preview:?}"
    );
    assert!(!preview.applied && !preview.changes_anything());
    assert_eq!(state(&t.db).await, before);

    // The same through the page: the file is sent as a file, the preview says so.
    add_user(
        &t.db,
        "web@xaa.example",
        &[(app::domain::Role::Poc, Some("XAA"), None)],
    )
    .await;
    let mut poc = Browser::new(&router);
    poc.sign_in("web@xaa.example", PASSWORD).await;
    let page = poc.get(&format!("/plans/{key}/upload")).await;
    assert!(page.body.contains("data-form=\"upload\""));
    let shown = poc
        .post_file(
            &format!("/plans/{key}/upload"),
            "files",
            "C:\\plans\\plan.csv",
            file.body.as_bytes(),
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(shown.body.contains("data-kind=\"unchanged\""));
    assert!(!shown.body.contains("data-kind=\"changed\""));
    assert!(
        !shown.body.contains("data-form=\"apply-upload\""),
        "nothing to apply"
    );
    assert_eq!(state(&t.db).await, before);
}

#[tokio::test]
async fn five_kinds_of_bad_rows_are_each_named_and_nothing_is_applied() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let key = demo_plan(&t.db).await;
    let actor = poc_actor(&t.db).await;
    let mut rows = table(&download(&t.db, &key).await);
    let milestone_rows: Vec<usize> = (1..rows.len())
        .filter(|&i| {
            !rows[i][6].is_empty() && rows[i][13] != "completed" && rows[i][13] != "withdrawn"
        })
        .collect();
    assert!(
        milestone_rows.len() >= 4,
        "the demo plan has open milestones"
    );
    let [a, b, c, d] = [
        milestone_rows[0],
        milestone_rows[1],
        milestone_rows[2],
        milestone_rows[3],
    ];
    // 1. An unknown commitment.
    let mut unknown = rows[a].clone();
    unknown[0] = "XAA9999".into();
    unknown[6] = String::new();
    unknown[7] = "Orphan milestone".into();
    rows.push(unknown);
    // 2. A date that does not exist.
    rows[a][11] = "2026-02-30".into();
    // 3. Progress past 100.
    rows[b][14] = "150".into();
    rows[b][15] = "Beyond expectations".into();
    // 4. Changed since the download: an update is posted meanwhile.
    let stale_id: i64 = rows[c][6].parse().unwrap();
    rows[c][7] = "A title typed offline".into();
    // 5. Completed without evidence.
    rows[d][13] = "completed".into();
    rows[d][14] = "100".into();
    rows[d][15] = "Done".into();
    let router = test_router(&t.db);
    let mut web = member_wide_poc(&t.db, &router, "meanwhile@xaa.example").await;
    let version = milestone_version(&t.db, stale_id).await;
    let posted = web
        .post_update(stale_id, "in_progress", "30", "Posted meanwhile", version)
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);

    let before = state(&t.db).await;
    let preview = plan_csv::upload(
        &t.db,
        &actor,
        &key,
        "bad.csv",
        to_csv(&rows).as_bytes(),
        Apply::Yes,
    )
    .await
    .unwrap();
    assert!(!preview.applied);
    assert_eq!(state(&t.db).await, before, "nothing was applied");
    let refused: Vec<(usize, Option<String>, Key)> = preview
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::Refused)
        .map(|r| {
            let refusal = r.refusal.clone().unwrap();
            (r.line, refusal.column, refusal.reason)
        })
        .collect();
    let line = |index: usize| index + 1;
    let expect = [
        (
            line(rows.len() - 1),
            "commitment_code",
            Key::ErrCsvUnknownCommitment,
        ),
        (line(a), "planned_end", Key::ErrDate),
        (line(b), "progress", Key::ErrProgress),
        (line(c), "version", Key::ErrCsvStale),
        (line(d), "evidence_urls", Key::ErrCompletedNeedsEvidence),
    ];
    for (at, column, reason) in expect {
        assert!(
            refused.contains(&(at, Some(column.to_string()), reason)),
            "line {at}: {column} {reason:?} in {refused:?}"
        );
    }
    assert_eq!(refused.len(), 5, "{refused:?}");

    // The page says the same, and offers no way to apply.
    let mut poc = member_wide_poc(&t.db, &router, "page@xaa.example").await;
    let shown = poc
        .post_file(
            &format!("/plans/{key}/upload"),
            "files",
            "bad.csv",
            to_csv(&rows).as_bytes(),
        )
        .await;
    assert_eq!(shown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(shown.body.matches("data-kind=\"refused\"").count(), 5);
    assert!(!shown.body.contains("data-form=\"apply-upload\""));
    // Asked to apply all the same, it applies nothing; nor with a preview of another state.
    let text = to_csv(&rows);
    for (seen, status) in [
        (preview.state.as_str(), StatusCode::UNPROCESSABLE_ENTITY),
        ("0123", StatusCode::CONFLICT),
    ] {
        let forced = poc
            .post(
                &format!("/plans/{key}/upload"),
                &[
                    ("csv", text.as_str()),
                    ("file_name", "bad.csv"),
                    ("state", seen),
                    ("apply", "yes"),
                ],
            )
            .await;
        assert_eq!(forced.status, status);
        assert_eq!(state(&t.db).await, before);
    }
}

#[tokio::test]
async fn forty_commitments_and_seventy_milestones_enter_an_empty_plan_in_one_upload() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let key = empty_plan(&t.db).await;
    let actor = poc_actor(&t.db).await;
    let file = bulk_file(40, 70);
    let preview = plan_csv::upload(&t.db, &actor, &key, "bulk.csv", file.as_bytes(), Apply::No)
        .await
        .unwrap();
    assert_eq!(preview.count(RowKind::New), 70);
    assert!(!preview.applied);
    assert_eq!(
        scalar(&t.db, &format!("SELECT COUNT(*) FROM commitments c JOIN action_plans p ON p.id = c.plan_id WHERE p.plan_key = '{key}'")).await,
        0,
        "a preview writes nothing"
    );
    let changes_before = count(&t.db, "changes").await;
    let applied = plan_csv::upload(&t.db, &actor, &key, "bulk.csv", file.as_bytes(), Apply::Yes)
        .await
        .unwrap();
    assert!(applied.applied);
    let in_plan = |what: &str| {
        format!(
            "SELECT COUNT(*) FROM {what} JOIN action_plans p ON p.id = c.plan_id
             WHERE p.plan_key = '{key}'"
        )
    };
    assert_eq!(scalar(&t.db, &in_plan("commitments c")).await, 40);
    assert_eq!(
        scalar(
            &t.db,
            &in_plan("milestones ms JOIN commitments c ON c.id = ms.commitment_id")
        )
        .await,
        70
    );
    assert_eq!(
        count(&t.db, "changes").await,
        changes_before + 1,
        "one change"
    );
    let (cause, role, source): (String, String, String) = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT cause, actor_role, source FROM changes ORDER BY id DESC LIMIT 1"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(
        (cause.as_str(), role.as_str(), source.as_str()),
        ("command_line", "poc", "bulk.csv")
    );
    let weight_two = scalar(
        &t.db,
        &format!(
            "SELECT COUNT(*) FROM milestones ms JOIN commitments c ON c.id = ms.commitment_id
         JOIN action_plans p ON p.id = c.plan_id WHERE p.plan_key = '{key}' AND ms.weight = 2"
        ),
    )
    .await;
    assert_eq!(weight_two, 40, "each commitment's first step weighs 2");

    // Sent twice (a double click, a reload that posts again), the same confirm form is
    // refused the second time: the plan is no longer as its preview saw it.
    let second = plan_csv::upload(
        &t.db,
        &actor,
        &key,
        "bulk.csv",
        file.as_bytes(),
        Apply::IfStill(preview.state.clone()),
    )
    .await;
    assert_eq!(
        second,
        Err(AppError::conflict(
            plan_csv::FILE_FIELD,
            Key::ErrCsvPlanChanged
        ))
    );
    assert_eq!(scalar(&t.db, &in_plan("commitments c")).await, 40);

    // Downloaded again and sent back unchanged: nothing to do.
    let again = download(&t.db, &key).await;
    let preview = plan_csv::upload(
        &t.db,
        &actor,
        &key,
        "again.csv",
        again.as_bytes(),
        Apply::Yes,
    )
    .await
    .unwrap();
    assert!(kinds(&preview).iter().all(|k| *k == RowKind::Unchanged));
    assert_eq!(preview.rows.len(), 70);
    assert_kept_totals(&t.db).await;
}

#[tokio::test]
async fn an_upload_edits_and_reports_and_keeps_formulas_as_text() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let key = empty_plan(&t.db).await;
    let actor = poc_actor(&t.db).await;
    plan_csv::upload(
        &t.db,
        &actor,
        &key,
        "one.csv",
        bulk_file(1, 2).as_bytes(),
        Apply::Yes,
    )
    .await
    .unwrap();
    let mut rows = table(&download(&t.db, &key).await);
    rows[1][1] = "=HYPERLINK(\"http://evil.example\")".into();
    rows[2][1] = rows[1][1].clone();
    rows[2][13] = "completed".into();
    rows[2][14] = "100".into();
    rows[2][15] = "The register is online".into();
    rows[2][16] = "https://example.org/register https://example.org/gazette".into();
    let preview = plan_csv::upload(
        &t.db,
        &actor,
        &key,
        "edit.csv",
        to_csv(&rows).as_bytes(),
        Apply::Yes,
    )
    .await
    .unwrap();
    assert!(preview.applied, "{preview:?}");
    assert_eq!(kinds(&preview), vec![RowKind::Changed, RowKind::Changed]);
    let first = &preview.rows[0];
    assert_eq!(first.changes[0].column, "commitment_title");
    let completed: (String, i64) = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT ms.status, (SELECT COUNT(*) FROM evidence_links e JOIN progress_updates u
            ON u.id = e.update_id WHERE u.milestone_id = ms.id)
         FROM milestones ms JOIN commitments c ON c.id = ms.commitment_id
         JOIN action_plans p ON p.id = c.plan_id WHERE p.plan_key = $1 ORDER BY ms.position DESC
         LIMIT 1"
    )
    .bind(&key)
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(completed, ("completed".to_string(), 2));
    let file = download(&t.db, &key).await;
    assert!(
        file.contains("'=HYPERLINK"),
        "a formula is exported as text"
    );
    let back = plan_csv::upload(&t.db, &actor, &key, "back.csv", file.as_bytes(), Apply::No)
        .await
        .unwrap();
    assert!(
        kinds(&back).iter().all(|k| *k == RowKind::Unchanged),
        "{back:?}"
    );
}

#[tokio::test]
async fn only_those_who_keep_the_plan_may_upload_and_a_bad_file_is_refused_whole() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let key = empty_plan(&t.db).await;
    add_user(
        &t.db,
        "reviewer@xaa.example",
        &[(app::domain::Role::Reviewer, Some("XAA"), None)],
    )
    .await;
    let reviewer = ogp_tracker::commands::accounts::account_actor(&t.db, "reviewer@xaa.example")
        .await
        .unwrap();
    let before = state(&t.db).await;
    let refused = plan_csv::upload(
        &t.db,
        &reviewer,
        &key,
        "x.csv",
        bulk_file(2, 2).as_bytes(),
        Apply::Yes,
    )
    .await;
    assert_eq!(refused, Err(AppError::NotAllowed));
    assert_eq!(state(&t.db).await, before);
    let actor = poc_actor(&t.db).await;
    for (bytes, reason) in [
        (b"not,a,plan\n1,2,3\n".to_vec(), Key::ErrCsvHeader),
        (vec![0xff, 0xfe, 0x00], Key::ErrCsvEncoding),
        (plan_csv::COLUMNS.join(",").into_bytes(), Key::ErrCsvEmpty),
    ] {
        let answer = plan_csv::upload(&t.db, &actor, &key, "x.csv", &bytes, Apply::Yes).await;
        assert_eq!(answer, Err(AppError::invalid(plan_csv::FILE_FIELD, reason)));
    }
    assert_eq!(state(&t.db).await, before);
    assert!(
        ogp_tracker::commands::accounts::account_actor(&t.db, "nobody@xaa.example")
            .await
            .is_err(),
        "an unknown account is refused"
    );
}

#[tokio::test]
async fn the_command_line_downloads_and_uploads_as_an_account_and_fails_on_refused_rows() {
    use ogp_tracker::cli::{plan, PlanCommand};
    let t = test_db().await;
    small_demo(&t.db).await;
    let key = empty_plan(&t.db).await;
    poc_actor(&t.db).await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.csv");
    std::fs::write(&good, bulk_file(2, 3)).unwrap();
    let cli = |file: &std::path::Path, dry_run: bool| PlanCommand::Upload {
        file: file.to_path_buf(),
        plan: key.clone(),
        account: "sheet@xaa.example".into(),
        dry_run,
    };
    let before = state(&t.db).await;
    let (text, refused) = plan(&t.db, cli(&good, true)).await.unwrap();
    assert!(!refused && text.contains("Line 2: New"), "{text}");
    assert_eq!(state(&t.db).await, before, "a dry run writes nothing");
    let (text, _) = plan(&t.db, cli(&good, false)).await.unwrap();
    assert!(text.contains("Applied in one transaction."), "{text}");
    let in_plan = format!(
        "SELECT COUNT(*) FROM milestones ms JOIN commitments c ON c.id = ms.commitment_id
         JOIN action_plans p ON p.id = c.plan_id WHERE p.plan_key = '{key}'"
    );
    assert_eq!(scalar(&t.db, &in_plan).await, 3);

    let mut rows = table(&download(&t.db, &key).await);
    rows[1][14] = "150".into();
    rows[1][15] = "Too much".into();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, to_csv(&rows)).unwrap();
    let after_good = state(&t.db).await;
    let (text, refused) = plan(&t.db, cli(&bad, false)).await.unwrap();
    assert!(refused, "the caller exits with a failure");
    assert!(
        text.contains("progress: enter a whole number from 0 to 100."),
        "{text}"
    );
    let (csv, _) = plan(&t.db, PlanCommand::Download { plan: key.clone() })
        .await
        .unwrap();
    assert_eq!(csv, download(&t.db, &key).await);
    assert_eq!(
        state(&t.db).await,
        after_good,
        "nothing of a refused file is applied"
    );
}

#[tokio::test]
async fn a_milestone_is_changed_by_one_row_and_a_row_without_version_cannot_change_its_commitment()
{
    let t = test_db().await;
    small_demo(&t.db).await;
    let key = empty_plan(&t.db).await;
    let actor = poc_actor(&t.db).await;
    plan_csv::upload(
        &t.db,
        &actor,
        &key,
        "one.csv",
        bulk_file(1, 2).as_bytes(),
        Apply::Yes,
    )
    .await
    .unwrap();
    let rows = table(&download(&t.db, &key).await);
    let before = state(&t.db).await;
    // The same milestone twice: the second row is refused, so nothing is applied.
    let mut twice = rows.clone();
    let mut again = rows[1].clone();
    again[7] = "Renamed a second time".into();
    twice.push(again);
    let preview = plan_csv::upload(
        &t.db,
        &actor,
        &key,
        "twice.csv",
        to_csv(&twice).as_bytes(),
        Apply::Yes,
    )
    .await
    .unwrap();
    let last = preview.rows.last().unwrap();
    assert_eq!(last.kind, RowKind::Refused);
    assert_eq!(
        last.refusal
            .as_ref()
            .map(|r| (r.column.as_deref(), r.reason)),
        Some((Some("milestone_key"), Key::ErrCsvDuplicateKey))
    );
    // A new milestone row with no version may not carry changed commitment columns.
    let mut added = vec![rows[0].clone()];
    let mut row = rows[1].clone();
    row[1] = "A title from an old file".into();
    row[6] = String::new();
    row[7] = "A new step".into();
    row[17] = String::new();
    added.push(row);
    let preview = plan_csv::upload(
        &t.db,
        &actor,
        &key,
        "old.csv",
        to_csv(&added).as_bytes(),
        Apply::Yes,
    )
    .await
    .unwrap();
    assert_eq!(
        preview.rows[0]
            .refusal
            .as_ref()
            .map(|r| (r.column.as_deref(), r.reason)),
        Some((Some("version"), Key::ErrCsvVersionNeeded))
    );
    assert_eq!(state(&t.db).await, before, "nothing was applied");
}
