//! What an import did, row by row: the report printed by `ogp-tracker import`.

use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// OGP's current commitment sheet: one header row, commitment IDs.
    Current,
    /// The 2016 OGP Explorer sheet: a column-index row, then the header; no IDs.
    Explorer,
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Layout::Current => "OGP commitment data (current layout)",
            Layout::Explorer => "OGP Explorer (2016 layout)",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedRow {
    pub line: u64,
    pub reason: String,
}

/// A cell the import could not read as its column's kind; its text is kept on the commitment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptValue {
    pub line: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    pub file: String,
    pub layout: Layout,
    pub dry_run: bool,
    pub rows_read: usize,
    pub inserted: usize,
    pub updated: usize,
    /// Stored already, with the same values: nothing written.
    pub unchanged: usize,
    /// Entries the import added to the public history.
    pub history_entries: usize,
    pub members: usize,
    pub plans: usize,
    pub assessments: usize,
    pub skipped: Vec<SkippedRow>,
    pub unknown_columns: Vec<String>,
    pub ignored_columns: Vec<String>,
    pub kept_raw: Vec<KeptValue>,
    /// Dates only readable day first (`31/12/2014`), read that way.
    pub day_first_dates: Vec<KeptValue>,
    /// (line, ID) of each commitment whose ID was derived.
    pub derived_ids: Vec<(u64, String)>,
}

impl ImportReport {
    pub fn new(file: &str, layout: Layout, dry_run: bool) -> ImportReport {
        ImportReport {
            file: file.to_string(),
            layout,
            dry_run,
            rows_read: 0,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            history_entries: 0,
            members: 0,
            plans: 0,
            assessments: 0,
            skipped: Vec::new(),
            unknown_columns: Vec::new(),
            ignored_columns: Vec::new(),
            kept_raw: Vec::new(),
            day_first_dates: Vec::new(),
            derived_ids: Vec::new(),
        }
    }

    pub fn imported(&self) -> usize {
        self.inserted + self.updated + self.unchanged
    }

    pub fn skip(&mut self, line: u64, reason: impl Into<String>) {
        self.skipped.push(SkippedRow {
            line,
            reason: reason.into(),
        });
    }
}

/// "3, 5, 9" — or the first twenty and a count.
fn lines(lines: &[u64]) -> String {
    let shown: Vec<String> = lines.iter().take(20).map(u64::to_string).collect();
    if lines.len() > 20 {
        format!("{} … and {} more", shown.join(", "), lines.len() - 20)
    } else {
        shown.join(", ")
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = if self.dry_run {
            " (dry run: nothing was written)"
        } else {
            ""
        };
        writeln!(f, "Import of {}{mode}", self.file)?;
        writeln!(f, "Layout: {}", self.layout)?;
        writeln!(f, "Rows read: {}", self.rows_read)?;
        writeln!(
            f,
            "Commitments imported: {} ({} new, {} updated, {} unchanged) in {} plans of {} members; {} assessments",
            self.imported(),
            self.inserted,
            self.updated,
            self.unchanged,
            self.plans,
            self.members,
            self.assessments
        )?;
        writeln!(f, "History entries written: {}", self.history_entries)?;
        writeln!(f, "Rows skipped: {}", self.skipped.len())?;
        for row in &self.skipped {
            writeln!(f, "  line {}: {}", row.line, row.reason)?;
        }
        if !self.derived_ids.is_empty() {
            let first = self
                .derived_ids
                .first()
                .map(|(_, id)| id.as_str())
                .unwrap_or_default();
            let last = self
                .derived_ids
                .last()
                .map(|(_, id)| id.as_str())
                .unwrap_or_default();
            writeln!(
                f,
                "Commitment IDs derived (the file has none): {} (member prefix + running number, e.g. {first} … {last})",
                self.derived_ids.len()
            )?;
        }
        writeln!(
            f,
            "Unknown columns (not imported): {}",
            self.unknown_columns.len()
        )?;
        for column in &self.unknown_columns {
            writeln!(f, "  {column:?}")?;
        }
        if !self.ignored_columns.is_empty() {
            writeln!(
                f,
                "Known columns not imported (OGP's derived figures, recomputed here, or contact data): {}",
                self.ignored_columns.len()
            )?;
        }
        writeln!(f, "Values kept as raw text: {}", self.kept_raw.len())?;
        let mut grouped: BTreeMap<(&str, &str, &str), Vec<u64>> = BTreeMap::new();
        for kept in &self.kept_raw {
            grouped
                .entry((
                    kept.column.as_str(),
                    kept.reason.as_str(),
                    kept.value.as_str(),
                ))
                .or_default()
                .push(kept.line);
        }
        for ((column, reason, value), rows) in grouped {
            writeln!(
                f,
                "  {column}: {value:?} ({reason}) on lines {}",
                lines(&rows)
            )?;
        }
        if !self.day_first_dates.is_empty() {
            let rows: Vec<u64> = self.day_first_dates.iter().map(|d| d.line).collect();
            writeln!(
                f,
                "Dates read day first because they cannot be month first: {} (lines {})",
                self.day_first_dates.len(),
                lines(&rows)
            )?;
        }
        Ok(())
    }
}
