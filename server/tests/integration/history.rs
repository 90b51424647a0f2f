//! The public change history: what an update, a correction, an import and a re-import
//! leave in it, how the public reads it, and that nothing can change or remove it.

use crate::browser::*;
use crate::common::*;
use app::domain::AuditFact;
use app::domain::{ChangeCause, HistoryField, HistoryPage, RecordField, RecordKind, Role};
use app::storage;
use axum::http::StatusCode;
use ogp_tracker::import::import_file;
use std::io::Write;

async fn history(db: &app::storage::Db, code: &str) -> HistoryPage {
    storage::commitment_history(&mut conn(db).await, code, 100, 0)
        .await
        .unwrap()
        .expect("the commitment exists")
}

/// The (record, field, before, after) of each entry of a change.
fn entries(
    page: &HistoryPage,
    change: usize,
) -> Vec<(RecordKind, String, Option<String>, Option<String>)> {
    page.changes[change]
        .entries
        .iter()
        .map(|e| {
            (
                e.record,
                e.field.machine_name(),
                e.before.clone(),
                e.after.clone(),
            )
        })
        .collect()
}

/// Posts a milestone update from the version the milestone is at now.
async fn post_update(
    browser: &mut Browser,
    db: &app::storage::Db,
    milestone: i64,
    status: &str,
    progress: &str,
    narrative: &str,
) -> Answer {
    let version = milestone_version(db, milestone).await;
    browser
        .post_update(milestone, status, progress, narrative, version)
        .await
}

#[tokio::test]
async fn an_update_and_its_correction_leave_exactly_their_entries() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let OpenMilestone {
        id: milestone,
        code,
        lead,
        status,
        progress,
    } = open_demo_milestone(&t.db).await;
    let router = test_router(&t.db);
    let mut poc = signed_in_poc(&t.db, &router, "pat@ministry.example", &lead).await;
    let before = history(&t.db, &code).await.total_changes;

    let done = post_update(&mut poc, &t.db, milestone, "completed", "100", "Adopted.").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let today = chrono::Utc::now().date_naive().to_string();
    let page = history(&t.db, &code).await;
    assert_eq!(page.total_changes, before + 1);
    let change = &page.changes[0];
    assert_eq!(change.cause, ChangeCause::Form);
    assert_eq!(change.actor.role, Some(Role::Poc));
    assert_eq!(change.actor.member.as_deref(), Some("XAA"));
    assert_eq!(change.actor.institution.as_deref(), Some(lead.as_str()));
    assert_eq!(
        entries(&page, 0),
        vec![
            (
                RecordKind::ProgressUpdate,
                "narrative".into(),
                None,
                Some("Adopted.".into())
            ),
            (
                RecordKind::Milestone,
                "status".into(),
                Some(status),
                Some("completed".into())
            ),
            (
                RecordKind::Milestone,
                "progress".into(),
                Some(progress.to_string()),
                Some("100".into())
            ),
            (
                RecordKind::Milestone,
                "completed_on".into(),
                None,
                Some(today.clone())
            ),
        ]
    );

    // A correction: it was not finished after all. Going back clears the completion date.
    let corrected = post_update(
        &mut poc,
        &t.db,
        milestone,
        "in_progress",
        "80",
        "Correction: not yet adopted.",
    )
    .await;
    assert_eq!(
        corrected.status,
        StatusCode::SEE_OTHER,
        "{}",
        corrected.body
    );
    let page = history(&t.db, &code).await;
    assert_eq!(page.total_changes, before + 2);
    assert_eq!(
        entries(&page, 0),
        vec![
            (
                RecordKind::ProgressUpdate,
                "narrative".into(),
                None,
                Some("Correction: not yet adopted.".into())
            ),
            (
                RecordKind::Milestone,
                "status".into(),
                Some("completed".into()),
                Some("in_progress".into())
            ),
            (
                RecordKind::Milestone,
                "progress".into(),
                Some("100".into()),
                Some("80".into())
            ),
            (
                RecordKind::Milestone,
                "completed_on".into(),
                Some(today),
                None
            ),
        ]
    );
    let (status, completed_on): (String, Option<chrono::NaiveDate>) = on_pool!(&t.db, |pool| {
        sqlx::query_as("SELECT status, completed_on FROM milestones WHERE id = $1")
            .bind(milestone)
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!((status.as_str(), completed_on), ("in_progress", None));

    // The public reads it on the history page, named by role and institution.
    let mut public = Browser::new(&router);
    let page = public.get(&format!("/commitments/{code}/history")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-cause=\"form\""));
    assert!(page.body.contains("data-field=\"completed_on\""));
    assert!(page.body.contains(&format!(
        "Government point of contact, \u{2068}{lead}\u{2069}"
    )));
    assert!(!page.body.contains("pat@ministry.example"));
    let spanish = public
        .send(
            axum::http::Request::builder()
                .uri(format!("/commitments/{code}/history"))
                .header("accept-language", "es")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(spanish.body.contains("Historial de"), "translated");
    assert!(
        spanish.body.contains("Completado el"),
        "field names translated"
    );
    assert_kept_totals(&t.db).await;
}

#[tokio::test]
async fn a_completed_milestone_is_at_one_hundred_percent() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let OpenMilestone {
        id: milestone,
        code,
        lead,
        ..
    } = open_demo_milestone(&t.db).await;
    let router = test_router(&t.db);
    let mut poc = signed_in_poc(&t.db, &router, "pat@ministry.example", &lead).await;
    let before = counts(&t.db).await;
    let refused = post_update(&mut poc, &t.db, milestone, "completed", "90", "Nearly.").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("aria-invalid=\"true\""));
    assert_eq!(counts(&t.db).await, before);
    // The database refuses it too, whatever writes.
    let direct = on_pool!(&t.db, |pool| sqlx::query(
        "UPDATE milestones SET status = 'completed', progress = 90, completed_on = '2024-01-01'
         WHERE id = $1"
    )
    .bind(milestone)
    .execute(pool)
    .await
    .map(|_| ()));
    assert!(direct.is_err(), "the CHECK constraint holds");
    let moved_back_with_date = on_pool!(&t.db, |pool| {
        sqlx::query(
        "UPDATE milestones SET status = 'in_progress', completed_on = '2024-01-01' WHERE id = $1"
    )
    .bind(milestone)
    .execute(pool)
    .await
    .map(|_| ())
    });
    assert!(moved_back_with_date.is_err());
    assert_eq!(
        history(&t.db, &code).await.changes[0].cause,
        ChangeCause::Demo
    );
    assert_kept_totals(&t.db).await;
}

fn write_csv(content: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    file.write_all(content.as_bytes()).unwrap();
    file
}

/// The real file with one commitment's title changed.
fn retitled(code: &str, title: &str) -> String {
    with_value(code, "Commitment Title", title)
}

/// The real file with one value of one commitment changed.
fn with_value(code: &str, column_name: &str, value: &str) -> String {
    let text = std::fs::read_to_string(shared_data(CURRENT)).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let column = |name: &str| rows[0].iter().position(|h| h.trim() == name).unwrap();
    let (id, changed_column) = (column("Commitment Unique Identifier"), column(column_name));
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in &rows {
        let fields: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, v)| {
                if i == changed_column && row.get(id) == Some(code) {
                    value.to_string()
                } else {
                    v.to_string()
                }
            })
            .collect();
        out.write_record(&fields).unwrap();
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

#[tokio::test]
async fn an_import_and_a_reimport_record_what_they_changed_under_the_files_name() {
    let t = test_db().await;
    let report = import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    // One entry per record created: members, plans, commitments and assessments.
    let created = 75 + 214 + 558 + scalar(&t.db, "SELECT COUNT(*) FROM assessments").await;
    assert_eq!(report.history_entries as i64, created);
    assert_eq!(count(&t.db, "change_entries").await, created);
    assert_eq!(count(&t.db, "changes").await, 1);
    let page = history(&t.db, "AR0045").await;
    assert_eq!(page.total_changes, 1);
    let change = &page.changes[0];
    assert_eq!(change.cause, ChangeCause::Import);
    assert_eq!(change.source.as_deref(), Some(CURRENT));
    assert_eq!(change.actor.role, None);
    // Its member and plan were created by the same import, then the commitment and its
    // assessments: each a "created" entry.
    let records: Vec<RecordKind> = change.entries.iter().map(|e| e.record).collect();
    assert_eq!(
        records[..3],
        [RecordKind::Member, RecordKind::Plan, RecordKind::Commitment]
    );
    assert!(records[3..].iter().all(|r| *r == RecordKind::Assessment));
    assert!(records.len() > 3);
    assert!(change
        .entries
        .iter()
        .all(|e| e.field == HistoryField::Field(RecordField::Record) && e.before.is_none()));
    assert!(change.entries[3..].iter().all(|e| e.assessment.is_some()));

    // The same file again changes nothing, so it adds nothing.
    let again = import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    assert_eq!((again.updated, again.history_entries), (0, 0));
    assert_eq!(count(&t.db, "changes").await, 1);

    // A file that changes one title leaves one entry, with the value before and after.
    let old_title = page.commitment_title.clone();
    let file = write_csv(&retitled("AR0045", "Open data of the National Congress"));
    let changed = import_file(&t.db, file.path(), false).await.unwrap();
    assert_eq!((changed.updated, changed.history_entries), (1, 1));
    let page = history(&t.db, "AR0045").await;
    assert_eq!(page.total_changes, 2);
    let file_name = file
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert_eq!(page.changes[0].source.as_deref(), Some(file_name.as_str()));
    assert_eq!(
        entries(&page, 0),
        vec![(
            RecordKind::Commitment,
            "title".into(),
            Some(old_title),
            Some("Open data of the National Congress".into())
        )]
    );
    let version = scalar(
        &t.db,
        "SELECT version FROM commitments WHERE code = 'AR0045'",
    )
    .await;
    assert_eq!(version, 2, "the change raised the commitment's version");
    assert!(
        audit_lines(&t.db, "lead_institution_changed")
            .await
            .is_empty(),
        "a title is no matter for the audit log"
    );

    // A new lead institution changes which points of contact may write: audited too.
    let file = write_csv(&with_value(
        "AR0045",
        "Lead Institution",
        "Senado de la Nación",
    ));
    import_file(&t.db, file.path(), false).await.unwrap();
    let lines = audit_lines(&t.db, "lead_institution_changed").await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].address, None);
    assert_eq!(
        lines[0].facts,
        vec![
            (AuditFact::Institution, "Senado de la Nación".to_string()),
            (AuditFact::Via, "command_line".to_string()),
            (AuditFact::Commitment, "AR0045".to_string()),
            (
                AuditFact::Previous,
                "Cámara de Diputados de la Nación - Senado de la Nación".to_string()
            ),
        ]
    );
}

#[tokio::test]
async fn history_can_be_neither_changed_nor_deleted_in_the_database() {
    let t = test_db().await;
    import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    let before = counts(&t.db).await;
    for statement in [
        "UPDATE change_entries SET value_after = 'forged'",
        "UPDATE changes SET cause = 'form'",
        "DELETE FROM change_entries",
        "DELETE FROM changes",
    ] {
        let refused = on_pool!(&t.db, |pool| sqlx::query(statement)
            .execute(pool)
            .await
            .map(|_| ()));
        assert!(refused.is_err(), "{statement} must be refused");
    }
    assert_eq!(counts(&t.db).await, before);
    // Replacing demo data still removes the demo records' history, and only theirs.
    small_demo(&t.db).await;
    small_demo(&t.db).await;
    let imported = scalar(&t.db, "SELECT COUNT(*) FROM changes WHERE cause = 'import'").await;
    assert_eq!(imported, 1);
}

#[tokio::test]
async fn the_history_page_is_paginated_and_unknown_commitments_are_not_found() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let OpenMilestone {
        id: milestone,
        code,
        lead,
        ..
    } = open_demo_milestone(&t.db).await;
    let router = test_router(&t.db);
    let mut poc = signed_in_poc(&t.db, &router, "pat@ministry.example", &lead).await;
    for n in 0..21 {
        let progress = (n + 1).to_string();
        let answer = post_update(
            &mut poc,
            &t.db,
            milestone,
            "in_progress",
            &progress,
            "Step.",
        )
        .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
    }
    let total = history(&t.db, &code).await.total_changes;
    assert_eq!(total, 22, "21 updates and the demo data's creation");
    let mut public = Browser::new(&router);
    let first = public.get(&format!("/commitments/{code}/history")).await;
    let changes = |body: &str| body.matches("aria-labelledby=\"change-").count();
    assert_eq!(changes(&first.body), 20);
    assert!(first.body.contains("rel=\"next\""));
    let second = public
        .get(&format!("/commitments/{code}/history?page=2"))
        .await;
    assert_eq!(changes(&second.body), 2);
    assert!(
        second.body.contains("data-cause=\"demo\""),
        "the oldest change comes last"
    );
    let missing = public.get("/commitments/ZZ9999/history").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn completion_needs_evidence_and_evidence_is_only_web_links() {
    let t = test_db().await;
    small_demo(&t.db).await;
    let OpenMilestone {
        id: milestone,
        code,
        lead,
        ..
    } = open_demo_milestone(&t.db).await;
    let router = test_router(&t.db);
    let mut poc = signed_in_poc(&t.db, &router, "pat@ministry.example", &lead).await;
    let before = counts(&t.db).await;
    let post = |evidence: &'static str| {
        let mut poc = poc.clone();
        let db = t.db.clone();
        async move {
            let version = milestone_version(&db, milestone).await.to_string();
            poc.post(
                &format!("/milestones/{milestone}/updates"),
                &[
                    ("status", "completed"),
                    ("progress", "100"),
                    ("narrative", "Adopted."),
                    ("evidence", evidence),
                    ("version", &version),
                ],
            )
            .await
        }
    };
    for evidence in ["", "javascript:alert(document.cookie) Proof"] {
        let refused = post(evidence).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{evidence}"
        );
        let field = refused
            .body
            .split('<')
            .find(|tag| tag.starts_with(&format!("textarea id=\"evidence-{milestone}\"")))
            .expect("the evidence field");
        assert!(field.contains("aria-invalid=\"true\""), "{field}");
        assert_eq!(counts(&t.db).await, before, "nothing written");
    }
    let saved = post("https://example.org/law.pdf The law as published").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = poc.get(&format!("/commitments/{code}")).await;
    assert!(page.body.contains("href=\"https://example.org/law.pdf\""));
    assert!(page.body.contains("The law as published"));
    let links = scalar(&t.db, "SELECT COUNT(*) FROM evidence_links").await;
    let before_links = before
        .iter()
        .find(|(table, _)| table == "evidence_links")
        .unwrap()
        .1;
    assert_eq!(links, before_links + 1);
}
