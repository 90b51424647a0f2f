use crate::common::*;
use app::domain::*;
use app::storage;
use ogp_tracker::import::{import_file, ImportError, Layout};
use std::io::Write;

#[tokio::test]
async fn current_layout_imports_every_commitment_member_and_plan() {
    let t = test_db().await;
    let report = import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    assert_eq!(report.layout, Layout::Current);
    assert_eq!(report.rows_read, 558);
    assert_eq!(report.inserted, 558);
    assert_eq!(report.skipped, vec![]);
    assert_eq!(report.members, 75);
    assert_eq!(report.plans, 214);
    assert!(
        report.unknown_columns.is_empty(),
        "{:?}",
        report.unknown_columns
    );
    assert_eq!(count(&t.db, "commitments").await, 558);
    assert_eq!(count(&t.db, "members").await, 75);
    assert_eq!(count(&t.db, "action_plans").await, 214);
    assert!(report.derived_ids.is_empty());
    assert_kept_totals(&t.db).await;
}

#[tokio::test]
async fn ar0045_carries_its_irm_scores() {
    let t = test_db().await;
    import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    let detail = storage::commitment_detail(&mut conn(&t.db).await, "AR0045")
        .await
        .unwrap()
        .expect("AR0045 stored");
    assert_eq!(detail.plan.key, "AP_ARG03");
    assert_eq!(detail.member.code, "ARG");
    assert_eq!(detail.member.region, Some(Region::Americas));
    assert_eq!(
        detail.commitment.title,
        "Apertura de datos del Congreso Nacional"
    );
    assert_eq!(
        detail
            .commitment
            .start_date
            .map(|d| d.to_string())
            .as_deref(),
        Some("2017-08-01")
    );
    assert_eq!(
        detail.commitment.end_date.map(|d| d.to_string()).as_deref(),
        Some("2019-06-30")
    );
    assert!(detail
        .commitment
        .policy_areas
        .contains(&"Open Parliaments".to_string()));
    let irm = |stage: Stage, indicator: Indicator| {
        detail
            .assessments
            .iter()
            .find(|a| {
                a.source == AssessmentSource::Irm
                    && a.scale == ScaleSet::Classic
                    && a.stage == stage
            })
            .and_then(|a| a.rating(indicator))
    };
    assert_eq!(
        irm(Stage::Design, Indicator::PotentialImpact),
        Some(Rating::PotentialImpact(PotentialImpact::Transformative))
    );
    assert_eq!(
        irm(Stage::EndOfTerm, Indicator::Completion),
        Some(Rating::Completion(Completion::Substantial))
    );
    assert_eq!(
        irm(Stage::EndOfTerm, Indicator::OpenedGovernment),
        Some(Rating::OpenedGovernment(OpenedGovernment::Major))
    );
    // Specificity is ND for AR0045: kept as "no data", not as a level.
    let design = detail
        .assessments
        .iter()
        .find(|a| a.stage == Stage::Design && a.scale == ScaleSet::Classic)
        .unwrap();
    let specificity = design
        .scores
        .iter()
        .find(|s| s.indicator == Indicator::Specificity)
        .unwrap();
    assert_eq!(specificity.value, ScoreValue::Missing(MissingCode::NoData));
    // Mid-term completion is NA: a different fact from ND.
    let mid = detail
        .assessments
        .iter()
        .find(|a| a.stage == Stage::MidTerm);
    assert!(
        mid.is_none(),
        "a stage with only missing codes makes no assessment"
    );
    assert_eq!(detail.raw_value("theme"), None);
    // Without a specificity level the star cannot be computed.
    assert_eq!(detail.starred(), None);
}

#[tokio::test]
async fn missing_codes_and_unreadable_text_are_kept_apart() {
    let t = test_db().await;
    let report = import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    // Free text in a level column is kept and reported, never turned into a level.
    let kept = report
        .kept_raw
        .iter()
        .filter(|k| k.value == "No early results to report yet")
        .count();
    assert_eq!(kept, 22);
    let (raw_text,): (i64,) = on_pool!(&t.db, |pool| {
        sqlx::query_as(
        "SELECT COUNT(*) FROM raw_values WHERE field = 'score.opened_government' AND raw = 'No early results to report yet'",
    )
    .fetch_one(pool)
    .await
    .unwrap()
    });
    assert_eq!(raw_text, 22);
    // The theme column's NA stays NA (not applicable), distinct from empty.
    let (na_themes,): (i64,) = on_pool!(&t.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM raw_values WHERE field = 'theme' AND raw = 'NA'"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(na_themes, 272);
    // The stray 1 in the Yes/No "Verifiable" column is reported, not read as yes.
    assert!(report
        .kept_raw
        .iter()
        .any(|k| k.column == "Verifiable" && k.value == "1"));
    // Unreadable dates are reported with their text.
    assert!(report
        .kept_raw
        .iter()
        .any(|k| k.column == "End Date" && k.value == "Ongoing"));
}

#[tokio::test]
async fn reimporting_the_same_file_changes_nothing() {
    let t = test_db().await;
    import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    let before = counts(&t.db).await;
    let scores_before: Vec<(i64, String, String)> = on_pool!(&t.db, |pool| {
        sqlx::query_as("SELECT assessment_id, indicator, value FROM assessment_scores ORDER BY assessment_id, indicator")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    let again = import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    assert_eq!(again.inserted, 0);
    assert_eq!(again.updated, 0);
    assert_eq!(again.unchanged, 558);
    assert_eq!(
        again.history_entries, 0,
        "nothing changed, so nothing in history"
    );
    assert_eq!(counts(&t.db).await, before);
    let scores_after: Vec<(i64, String, String)> = on_pool!(&t.db, |pool| {
        sqlx::query_as("SELECT a.id, s.indicator, s.value FROM assessment_scores s JOIN assessments a ON a.id = s.assessment_id ORDER BY a.id, s.indicator")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert_eq!(scores_after.len(), scores_before.len());
    let values = |rows: &[(i64, String, String)]| {
        rows.iter()
            .map(|(_, i, v)| (i.clone(), v.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(values(&scores_after), values(&scores_before));
}

#[tokio::test]
async fn dry_run_reports_without_writing() {
    let t = test_db().await;
    let report = import_file(&t.db, &shared_data(CURRENT), true)
        .await
        .unwrap();
    assert!(report.dry_run);
    assert_eq!(report.inserted, 558);
    assert!(report.to_string().contains("dry run"));
    for (table, n) in counts(&t.db).await {
        assert_eq!(n, 0, "{table} was written by a dry run");
    }
}

#[tokio::test]
async fn explorer_layout_derives_ids_and_reports_them() {
    let t = test_db().await;
    let report = import_file(&t.db, &shared_data(EXPLORER), false)
        .await
        .unwrap();
    assert_eq!(report.layout, Layout::Explorer);
    assert_eq!(report.rows_read, 1927);
    assert_eq!(report.inserted, 1922);
    assert_eq!(report.skipped.len(), 5);
    assert!(report
        .skipped
        .iter()
        .all(|s| s.reason == "no commitment number"));
    assert_eq!(report.members, 61);
    assert_eq!(report.derived_ids.len(), 1922);
    assert_eq!(count(&t.db, "members").await, 61);
    assert!(report.to_string().contains("Commitment IDs derived"));
    // Running numbers per member across plans: Albania's first commitment is AL0001.
    let albania = storage::commitment_detail(&mut conn(&t.db).await, "AL0001")
        .await
        .unwrap()
        .expect("AL0001");
    assert!(albania.commitment.code_derived);
    assert_eq!(albania.member.name, "Albania");
    // Levels with rank prefixes ("c. high") are read.
    assert!(albania
        .assessments
        .iter()
        .any(|a| a.rating(Indicator::Specificity).is_some()));
    // Explorer dates such as 31/12/2014 are read day first and reported.
    assert!(!report.day_first_dates.is_empty());
    assert!(report.kept_raw.iter().any(|k| k.value == "Not Specified"));
    // Re-import finds the same derived IDs.
    let again = import_file(&t.db, &shared_data(EXPLORER), false)
        .await
        .unwrap();
    assert_eq!(again.inserted, 0);
    assert_eq!(again.updated, 0);
    assert_eq!(again.unchanged, 1922);
    assert_eq!(again.derived_ids, report.derived_ids);
    assert_eq!(count(&t.db, "commitments").await, 1922);
    assert_kept_totals(&t.db).await;
}

#[tokio::test]
async fn explorer_never_overwrites_commitments_with_ogp_ids() {
    let t = test_db().await;
    import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    let before = storage::commitment_detail(&mut conn(&t.db).await, "AL0002")
        .await
        .unwrap()
        .unwrap();
    let report = import_file(&t.db, &shared_data(EXPLORER), false)
        .await
        .unwrap();
    assert!(report
        .skipped
        .iter()
        .any(|s| s.reason.contains("already stored as AL0002")));
    let after = storage::commitment_detail(&mut conn(&t.db).await, "AL0002")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.commitment, before.commitment);
    // The current layout's member names stay: North Macedonia, not "Macedonia".
    let member = storage::member_by_code(&mut conn(&t.db).await, "MKD")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(member.name, "North Macedonia");
    // New derived IDs continue after the highest stored number.
    let albanian: Vec<&(u64, String)> = report
        .derived_ids
        .iter()
        .filter(|(_, id)| id.starts_with("AL"))
        .collect();
    assert!(
        albanian.iter().all(|(_, id)| id.as_str() > "AL0097"),
        "{albanian:?}"
    );
}

fn write_csv(content: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(content.as_bytes()).unwrap();
    file
}

/// The real header and first rows, with an extra column and some broken rows.
fn doctored_current_file() -> String {
    let text = std::fs::read_to_string(shared_data(CURRENT)).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut rows: Vec<csv::StringRecord> = reader.records().take(4).map(|r| r.unwrap()).collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = rows[0].clone();
    header.push_field("Mystery Column");
    out.write_record(&header).unwrap();
    for row in rows.iter_mut().skip(1) {
        row.push_field("?");
    }
    out.write_record(&rows[1]).unwrap();
    // A row without an ID.
    let mut no_id = rows[2].clone();
    let fields: Vec<String> = no_id.iter().map(String::from).collect();
    no_id = csv::StringRecord::from(
        std::iter::once(String::new())
            .chain(fields.into_iter().skip(1))
            .collect::<Vec<_>>(),
    );
    out.write_record(&no_id).unwrap();
    // The first row again: a repeated ID.
    out.write_record(&rows[1]).unwrap();
    out.write_record(&rows[3]).unwrap();
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

#[tokio::test]
async fn bad_rows_are_skipped_and_reported_without_stopping() {
    let t = test_db().await;
    let file = write_csv(&doctored_current_file());
    let report = import_file(&t.db, file.path(), false).await.unwrap();
    assert_eq!(report.rows_read, 4);
    assert_eq!(report.inserted, 2);
    assert_eq!(report.skipped.len(), 2, "{:?}", report.skipped);
    assert!(report.skipped[0].reason.contains("commitment ID"));
    assert!(report.skipped[1].reason.starts_with("repeats"));
    assert_eq!(report.unknown_columns, vec!["Mystery Column".to_string()]);
    assert_eq!(count(&t.db, "commitments").await, 2);
}

#[tokio::test]
async fn unreadable_files_change_nothing() {
    let t = test_db().await;
    let unknown = write_csv("a,b,c\n1,2,3\n");
    assert!(matches!(
        import_file(&t.db, unknown.path(), false).await,
        Err(ImportError::UnknownLayout { .. })
    ));
    let missing = write_csv("Commitment Unique Identifier,Code\nAR0001,ARG\n");
    match import_file(&t.db, missing.path(), false).await {
        Err(ImportError::MissingColumns { columns, .. }) => {
            assert!(columns.contains(&"Commitment Title".to_string()))
        }
        other => panic!("expected missing columns, got {other:?}"),
    }
    let not_utf8 = {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&[0xff, 0xfe, 0x00, 0x41]).unwrap();
        file
    };
    assert!(matches!(
        import_file(&t.db, not_utf8.path(), false).await,
        Err(ImportError::Read { .. })
    ));
    let absent = import_file(&t.db, std::path::Path::new("/no/such/file.csv"), false).await;
    assert!(matches!(absent, Err(ImportError::Read { .. })));
    for (table, n) in counts(&t.db).await {
        assert_eq!(n, 0, "{table} changed");
    }
}

/// The real header and its first row, with the row's commitment number changed: the same
/// OGP ID for another commitment of the plan.
fn first_row_renumbered() -> String {
    let text = std::fs::read_to_string(shared_data(CURRENT)).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().take(2).map(|r| r.unwrap()).collect();
    let number = rows[0]
        .iter()
        .position(|h| h.trim() == "Commitment Number")
        .unwrap();
    let changed: Vec<String> = rows[1]
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if i == number {
                "99".to_string()
            } else {
                v.to_string()
            }
        })
        .collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&rows[0]).unwrap();
    out.write_record(&changed).unwrap();
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

#[tokio::test]
async fn a_commitment_id_held_by_another_commitment_is_never_overwritten() {
    let t = test_db().await;
    import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    let file = write_csv(&first_row_renumbered());
    let before = counts(&t.db).await;
    let report = import_file(&t.db, file.path(), false).await.unwrap();
    assert_eq!(report.imported(), 0);
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    assert!(
        report.skipped[0]
            .reason
            .contains("already belongs to commitment"),
        "{:?}",
        report.skipped
    );
    assert_eq!(counts(&t.db).await, before, "nothing was written");
}

/// The real file's header and every other row of it.
fn every_other_row() -> String {
    let text = std::fs::read_to_string(shared_data(CURRENT)).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut out = csv::Writer::from_writer(Vec::new());
    for (i, row) in reader.records().enumerate() {
        if i % 2 == 0 {
            out.write_record(&row.unwrap()).unwrap();
        }
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

/// New commitments are inserted together, stored ones compared one by one: a file that
/// mixes them (every other row stored) writes exactly what the whole file at once does.
#[tokio::test]
async fn a_file_mixing_stored_and_new_commitments_writes_what_one_import_would() {
    let whole = test_db().await;
    import_file(&whole.db, &shared_data(CURRENT), false)
        .await
        .unwrap();

    let t = test_db().await;
    let half = write_csv(&every_other_row());
    let first = import_file(&t.db, half.path(), false).await.unwrap();
    assert_eq!(first.inserted, 279);
    let before = counts(&t.db).await;
    let report = import_file(&t.db, &shared_data(CURRENT), false)
        .await
        .unwrap();
    assert_eq!((report.inserted, report.unchanged), (279, 279));
    assert_eq!(report.updated, 0);
    let after = counts(&t.db).await;
    let records = |counts: Vec<(String, i64)>| -> Vec<(String, i64)> {
        counts
            .into_iter()
            .filter(|(table, _)| !table.starts_with("change"))
            .collect()
    };
    assert_eq!(records(after.clone()), records(counts(&whole.db).await));
    assert_kept_totals(&t.db).await;
    // Only what the second import created is in its history: one entry per new record.
    let grown = |table: &str| {
        let n = |counts: &[(String, i64)]| counts.iter().find(|(t, _)| t == table).unwrap().1;
        n(&after) - n(&before)
    };
    let created =
        grown("members") + grown("action_plans") + grown("commitments") + grown("assessments");
    assert_eq!(grown("commitments"), 279);
    assert_eq!(report.history_entries as i64, created);
    // Each commitment reads the same, whichever way it came in: stored ones (rows 1, 3),
    // new ones (rows 2, 4) and the last.
    let mut codes: Vec<String> = on_pool!(&whole.db, |pool| {
        sqlx::query_scalar("SELECT code FROM commitments ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    let last = codes.pop().unwrap();
    codes.truncate(4);
    codes.push(last);
    for code in &codes {
        let read = |db| async move {
            let mut c = conn(db).await;
            let detail = storage::commitment_detail(&mut c, code).await.unwrap();
            detail.map(|d| (d.commitment, d.assessments, d.raw_values))
        };
        let (a, b) = (read(&t.db).await, read(&whole.db).await);
        assert!(a.is_some(), "{code} is stored");
        assert_eq!(a, b, "{code}");
    }
}
