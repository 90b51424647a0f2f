//! `ogp-tracker import FILE`: loads OGP commitment data in either published layout.
//!
//! Reading is separate from writing: the whole file is read into records and a report
//! first, then written in one transaction (rolled back on `--dry-run`). A bad row is
//! skipped and reported; it never stops the import.

mod countries;
mod current;
mod explorer;
mod report;
mod row;
mod values;

pub use report::{ImportReport, KeptValue, Layout, SkippedRow};
pub use row::ImportRecord;

use app::storage::{self, CommitmentWrite, Db, OnExisting, StorageError};
use chrono::Datelike;
use row::{Columns, Row};
use std::collections::{HashMap, HashSet};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} is not a CSV file this tracker can read: {reason}")]
    Csv { path: String, reason: String },
    #[error("{path}: layout not recognised. Expected OGP commitment data (a header with \"Commitment Unique Identifier\") or the OGP Explorer layout (a row of column numbers, then a header with \"Country\" and \"Comm No\")")]
    UnknownLayout { path: String },
    #[error("{path}: required columns missing: {}", columns.join(", "))]
    MissingColumns { path: String, columns: Vec<String> },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Reads `text` (the content of `file`) into records and a report, without touching the database.
pub fn parse(
    file: &str,
    text: &str,
    dry_run: bool,
) -> Result<(Vec<ImportRecord>, ImportReport), ImportError> {
    let csv_error = |e: csv::Error| ImportError::Csv {
        path: file.to_string(),
        reason: e.to_string(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let first = records
        .next()
        .transpose()
        .map_err(csv_error)?
        .ok_or_else(|| ImportError::UnknownLayout {
            path: file.to_string(),
        })?;
    let (layout, headers) = if explorer::is_column_index(&first) {
        let headers = records
            .next()
            .transpose()
            .map_err(csv_error)?
            .ok_or_else(|| ImportError::UnknownLayout {
                path: file.to_string(),
            })?;
        (Layout::Explorer, headers)
    } else if first
        .iter()
        .any(|h| h.trim() == "Commitment Unique Identifier")
    {
        (Layout::Current, first)
    } else {
        return Err(ImportError::UnknownLayout {
            path: file.to_string(),
        });
    };
    let columns = Columns::new(&headers);
    let missing = match layout {
        Layout::Current => columns.missing(current::REQUIRED),
        Layout::Explorer => explorer::check_columns(&columns),
    };
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns {
            path: file.to_string(),
            columns: missing.into_iter().map(String::from).collect(),
        });
    }

    let mut report = ImportReport::new(file, layout, dry_run);
    let column_plan = match layout {
        Layout::Current => &current::COLUMNS,
        Layout::Explorer => &explorer::COLUMNS,
    };
    let policy_areas = row::policy_area_columns(&headers, column_plan, &mut report);
    let current_year = i64::from(chrono::Utc::now().year());
    let mut parsed = Vec::new();
    // First row of each commitment ID (current) or plan + number (Explorer), to skip repeats.
    let mut first_seen: HashMap<String, u64> = HashMap::new();
    for result in records {
        let record = match result {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or_default();
                report.rows_read += 1;
                report.skip(line, format!("unreadable CSV: {e}"));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or_default();
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        report.rows_read += 1;
        let outcome = {
            let mut row = Row::new(line, &columns, &record, &mut report);
            match layout {
                Layout::Current => current::read_row(&mut row, &policy_areas, current_year),
                Layout::Explorer => explorer::read_row(&mut row, &policy_areas, current_year),
            }
        };
        match outcome {
            Ok(record) => {
                let identity = match layout {
                    Layout::Current => record.commitment.code.clone(),
                    Layout::Explorer => format!(
                        "{} number {} ({:?})",
                        record.plan.key, record.commitment.number, record.commitment.title
                    ),
                };
                if let Some(first) = first_seen.get(&identity) {
                    report.skip(line, format!("repeats {identity} of row {first}"));
                    continue;
                }
                first_seen.insert(identity, line);
                parsed.push(record);
            }
            Err(reason) => report.skip(line, reason),
        }
    }
    Ok((parsed, report))
}

/// Imports `path` into `db` in one transaction; with `dry_run` the transaction is rolled
/// back, so the report says what an import would do.
pub async fn import_file(db: &Db, path: &Path, dry_run: bool) -> Result<ImportReport, ImportError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ImportError::Read {
        path: file.clone(),
        reason: e.to_string(),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| ImportError::Read {
        path: file.clone(),
        reason: format!(
            "not UTF-8 text (first bad byte at {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let (records, mut report) = parse(&file, text, dry_run)?;
    write(db, records, &mut report).await?;
    Ok(report)
}

async fn write(
    db: &Db,
    records: Vec<ImportRecord>,
    report: &mut ImportReport,
) -> Result<(), StorageError> {
    let mut tx = db.begin().await?;
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    // The current layout is OGP's reference for members and plans; the Explorer's names
    // are older, so they never overwrite what is stored.
    let on_existing = match report.layout {
        Layout::Current => OnExisting::Overwrite,
        Layout::Explorer => OnExisting::Keep,
    };
    let mut member_ids: HashMap<String, (i64, String)> = HashMap::new();
    let mut plan_ids: HashMap<String, i64> = HashMap::new();
    let mut members_touched = HashSet::new();
    for mut record in records {
        let (member_id, prefix) = match member_ids.get(&record.member.code) {
            Some(found) => found.clone(),
            None => {
                let id =
                    storage::upsert_member(&mut tx, &record.member, false, on_existing).await?;
                let prefix = storage::member_prefix(&mut tx, id).await?;
                member_ids.insert(record.member.code.clone(), (id, prefix.clone()));
                (id, prefix)
            }
        };
        let plan_id = match plan_ids.get(&record.plan.key) {
            Some(id) => *id,
            None => {
                let id =
                    storage::upsert_plan(&mut tx, &record.plan, member_id, on_existing).await?;
                plan_ids.insert(record.plan.key.clone(), id);
                id
            }
        };
        if record.commitment.code_derived {
            let stored = storage::commitment_in_plan(
                &mut tx,
                plan_id,
                &record.commitment.number,
                &record.commitment.title,
            )
            .await?;
            let code = match stored {
                Some(stored) if !stored.code_derived => {
                    // Stored from a file that carries OGP's own ID: that record stays as it is.
                    report.skip(
                        record.line,
                        format!(
                            "commitment {} of {} is already stored as {} from a file with OGP IDs; kept as it is",
                            record.commitment.number, record.plan.key, stored.code
                        ),
                    );
                    continue;
                }
                Some(stored) => stored.code,
                None => storage::next_commitment_code(&mut tx, &prefix).await?,
            };
            report.derived_ids.push((record.line, code.clone()));
            record.commitment.code = code;
        }
        let commitment_id = match storage::upsert_commitment(
            &mut tx,
            &record.commitment,
            plan_id,
            &record.raw_values,
        )
        .await?
        {
            CommitmentWrite::Inserted(id) => {
                report.inserted += 1;
                id
            }
            CommitmentWrite::Updated(id) => {
                report.updated += 1;
                id
            }
            CommitmentWrite::Conflict {
                existing_plan,
                existing_number,
            } => {
                report.skip(
                        record.line,
                        format!(
                            "ID {} already belongs to commitment {existing_number} of {existing_plan}; nothing overwritten",
                            record.commitment.code
                        ),
                    );
                continue;
            }
        };
        members_touched.insert(record.member.code.clone());
        for assessment in &record.assessments {
            storage::upsert_assessment(&mut tx, commitment_id, assessment, &now).await?;
            report.assessments += 1;
        }
    }
    report.members = members_touched.len();
    report.plans = plan_ids.len();
    if report.dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(())
}
