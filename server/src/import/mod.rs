//! `ogp-tracker import FILE`: loads OGP commitment data in either published layout.
//!
//! Reading is separate from writing: the whole file is read here into records and a report
//! first, then written by `commands::imports` in one transaction (rolled back on
//! `--dry-run`). A bad row is skipped and reported; it never stops the import.

mod countries;
mod current;
mod explorer;
mod report;
mod row;
mod values;

pub use report::{ImportReport, KeptValue, Layout, SkippedRow};
pub use row::ImportRecord;

use crate::commands::{Actor, AppError};
use app::storage::{Db, StorageError};
use chrono::Datelike;
use csv::StringRecord;
use row::{Columns, Row};
use std::collections::HashMap;
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
    #[error("import refused: {0}")]
    Refused(AppError),
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
    // The CSV is split into records on a thread of its own while this one reads them: a
    // third of the reading's time, on the other core (bench/RESULTS.md).
    std::thread::scope(|scope| {
        let (batches, received) =
            std::sync::mpsc::sync_channel::<Vec<csv::Result<StringRecord>>>(4);
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(RECORDS_PER_BATCH);
            for result in records {
                batch.push(result);
                if batch.len() == RECORDS_PER_BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(RECORDS_PER_BATCH));
                    if batches.send(full).is_err() {
                        return;
                    }
                }
            }
            // The reader stopped: the last records, if any, are all it will send.
            if !batch.is_empty() {
                let _ = batches.send(batch);
            }
        });
        for result in received.into_iter().flatten() {
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
    });
    Ok((parsed, report))
}

/// How many records the reading thread hands over at a time: few hand-offs, little held.
const RECORDS_PER_BATCH: usize = 64;

/// `ogp-tracker import FILE`: reads the file and imports it as the command line.
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
    crate::commands::imports::import_text(db, &Actor::CommandLine, &file, &text, dry_run).await
}
