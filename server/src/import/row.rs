//! Reading one row of an import file into domain values, recording what could not be read.

use super::report::{ImportReport, KeptValue};
use super::values::{self, Cell, DateRead};
use app::domain::{
    ActionPlan, Assessment, AssessmentSource, Commitment, Indicator, Member, RawValue, ScaleSet,
    Score, Stage,
};
use csv::StringRecord;
use rustc_hash::FxHashMap;

/// Everything one row becomes.
#[derive(Clone, Debug)]
pub struct ImportRecord {
    pub line: u64,
    pub member: Member,
    pub plan: ActionPlan,
    /// Its code is empty when the code is to be derived.
    pub commitment: Commitment,
    pub raw_values: Vec<RawValue>,
    pub assessments: Vec<Assessment>,
}

/// What a layout knows of its columns.
pub struct ColumnPlan {
    /// The columns between these two hold one policy area each (0/1).
    pub policy_areas_after: &'static str,
    pub policy_areas_before: &'static str,
    /// Columns read by name.
    pub read: &'static [&'static str],
    /// Known columns deliberately not imported.
    pub not_imported: &'static [&'static str],
}

/// Sorts a header into policy-area columns, which it returns, and reports unknown and
/// not-imported columns. Columns whose name starts with `_` are OGP's numeric twins.
pub fn policy_area_columns(
    headers: &StringRecord,
    plan: &ColumnPlan,
    report: &mut ImportReport,
) -> Vec<String> {
    let names: Vec<&str> = headers.iter().map(str::trim).collect();
    let start = names.iter().position(|n| *n == plan.policy_areas_after);
    let end = names.iter().position(|n| *n == plan.policy_areas_before);
    let areas: Vec<String> = match (start, end) {
        (Some(s), Some(e)) if s < e => names[s + 1..e].iter().map(|n| n.to_string()).collect(),
        _ => Vec::new(),
    };
    let unnamed = names.iter().filter(|n| n.is_empty()).count();
    for name in names {
        if name.is_empty() || plan.read.contains(&name) || areas.iter().any(|a| a == name) {
            continue;
        }
        if name.starts_with('_') || plan.not_imported.contains(&name) {
            report.ignored_columns.push(name.to_string());
        } else {
            report.unknown_columns.push(name.to_string());
        }
    }
    if unnamed > 0 {
        report
            .unknown_columns
            .push(format!("({unnamed} columns without a name)"));
    }
    areas
}

/// Column positions by header name. FxHash, not the standard SipHash, because every field
/// read looks its column up (a tenth of reading a file); a header crafted to collide
/// could only slow an import, which only administrators run.
pub struct Columns {
    index: FxHashMap<String, usize>,
}

impl Columns {
    pub fn new(headers: &StringRecord) -> Columns {
        let mut index = FxHashMap::default();
        for (i, name) in headers.iter().enumerate() {
            index.entry(name.trim().to_string()).or_insert(i);
        }
        Columns { index }
    }

    pub fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    pub fn missing<'a>(&self, required: &[&'a str]) -> Vec<&'a str> {
        required.iter().copied().filter(|c| !self.has(c)).collect()
    }
}

/// One row being read.
pub struct Row<'a> {
    pub line: u64,
    columns: &'a Columns,
    record: &'a StringRecord,
    report: &'a mut ImportReport,
    pub raw_values: Vec<RawValue>,
}

impl<'a> Row<'a> {
    pub fn new(
        line: u64,
        columns: &'a Columns,
        record: &'a StringRecord,
        report: &'a mut ImportReport,
    ) -> Row<'a> {
        Row {
            line,
            columns,
            record,
            report,
            raw_values: Vec::new(),
        }
    }

    pub fn get(&self, column: &str) -> &'a str {
        self.columns
            .index
            .get(column)
            .and_then(|i| self.record.get(*i))
            .unwrap_or("")
    }

    fn keep(&mut self, column: &str, field: &str, value: &str, reason: &str) {
        self.raw_values.push(RawValue {
            field: field.to_string(),
            raw: value.to_string(),
        });
        self.report.kept_raw.push(KeptValue {
            line: self.line,
            column: column.to_string(),
            value: value.to_string(),
            reason: reason.to_string(),
        });
    }

    /// Keeps a missing-value code on the commitment; it is a fact, not a problem to report.
    fn keep_missing(&mut self, field: &str, raw: &str) {
        self.raw_values.push(RawValue {
            field: field.to_string(),
            raw: raw.trim().to_string(),
        });
    }

    pub fn text(&mut self, column: &str, field: &str) -> Option<String> {
        let raw = self.get(column);
        match values::text(raw) {
            Cell::Value(v) => Some(v),
            Cell::Missing(_) => {
                self.keep_missing(field, raw);
                None
            }
            Cell::Empty | Cell::Unreadable(_) => None,
        }
    }

    pub fn integer(&mut self, column: &str) -> Option<i64> {
        let raw = self.get(column);
        match values::integer(raw) {
            Cell::Value(v) => Some(v),
            Cell::Unreadable(v) => {
                self.report.kept_raw.push(KeptValue {
                    line: self.line,
                    column: column.to_string(),
                    value: v,
                    reason: "not a whole number".into(),
                });
                None
            }
            Cell::Empty | Cell::Missing(_) => None,
        }
    }

    pub fn flag(&mut self, column: &str, field: &str) -> Option<bool> {
        let raw = self.get(column);
        match values::flag(raw) {
            Cell::Value(v) => Some(v),
            Cell::Missing(_) => {
                self.keep_missing(field, raw);
                None
            }
            Cell::Unreadable(v) => {
                self.keep(column, field, &v, "not 0 or 1");
                None
            }
            Cell::Empty => None,
        }
    }

    /// An ISO date, or `None` with the original text kept.
    pub fn date(&mut self, column: &str, field: &str) -> Option<chrono::NaiveDate> {
        let raw = self.get(column);
        match values::date(raw) {
            Cell::Value(DateRead::MonthFirst(d)) => Some(d),
            Cell::Value(DateRead::DayFirst(d)) => {
                self.report.day_first_dates.push(KeptValue {
                    line: self.line,
                    column: column.to_string(),
                    value: raw.trim().to_string(),
                    reason: "read day first".into(),
                });
                Some(d)
            }
            Cell::Missing(_) => {
                self.keep_missing(field, raw);
                None
            }
            Cell::Unreadable(v) => {
                self.keep(column, field, &v, "not a date");
                None
            }
            Cell::Empty => None,
        }
    }

    /// A score of `indicator`, or `None` when the cell is empty or unreadable (kept as text).
    pub fn score(&mut self, column: &str, indicator: Indicator) -> Option<Score> {
        let raw = self.get(column).trim();
        if raw.is_empty() {
            return None;
        }
        match indicator.parse_score(raw) {
            Some(value) => Some(Score {
                indicator,
                value,
                justification: None,
                evidence: Vec::new(),
            }),
            None => {
                let field = format!("score.{}", indicator.machine_name());
                self.keep(column, &field, raw, "not a level of this indicator");
                None
            }
        }
    }

    /// 1 in a policy-area column tags the commitment; 0 does not; anything else is kept.
    pub fn policy_area(&mut self, column: &str) -> bool {
        if let Cell::Value(tagged) = values::flag(self.get(column)) {
            // The common case, read without naming the field: slugging every area's
            // column name on every row was 3.5% of an import.
            return tagged;
        }
        let field = format!("policy_area.{}", app::domain::slugify(column));
        self.flag(column, &field).unwrap_or(false)
    }
}

/// An IRM assessment from the scores given, if at least one of them is a level.
pub fn irm_assessment(
    stage: Stage,
    scale: ScaleSet,
    scores: Vec<Option<Score>>,
) -> Option<Assessment> {
    let scores: Vec<Score> = scores.into_iter().flatten().collect();
    let has_level = scores
        .iter()
        .any(|s| matches!(s.value, app::domain::ScoreValue::Rated(_)));
    has_level.then(|| Assessment {
        source: AssessmentSource::Irm,
        assessor: "Independent Reporting Mechanism (IRM)".to_string(),
        stage,
        scale,
        scores,
    })
}

/// Plans whose last year is past are completed; the rest are being implemented.
pub fn plan_status(
    end_year: Option<i64>,
    year_submitted: Option<i64>,
    current_year: i64,
) -> app::domain::PlanStatus {
    let last_year = end_year.or(year_submitted.map(|y| y + 2));
    match last_year {
        Some(year) if year < current_year => app::domain::PlanStatus::Completed,
        _ => app::domain::PlanStatus::Active,
    }
}
