//! A plan as one CSV file, for spreadsheets: downloaded, edited offline, and uploaded again.
//! An upload is previewed row by row (new, changed field by field, unchanged, refused with
//! the reason) and applied in one transaction only when asked and only when no row is
//! refused. A row made from an older download than what is stored is refused as stale, so
//! a file never overwrites a change it did not see.
//!
//! One row per milestone; a commitment's columns are repeated on each of its rows, and a
//! commitment without milestones has one row with the milestone columns empty. A row with
//! no commitment code adds a commitment (rows with the same title make one), coded from the
//! member's prefix; a row with no milestone key adds a milestone. `version` is what the
//! download had: the commitment's version, then `.` and the milestone's.

use super::{commitments, milestones, Actor, AppError};
use app::domain::{
    ActionPlan, Commitment, FieldChange, Milestone, MilestoneStatus, PlanStatus, RowKind,
    RowOutcome, RowRefusal, UploadPreview,
};
use app::i18n::{fill, Key, Lang};
use app::input::{
    is_commitment_code, CommitmentInput, MilestoneFields, MilestoneInput, MilestoneUpdate,
    MilestoneUpdateInput,
};
use app::policy;
use app::storage::{self, ChangeRecorder, Conn, Db, StoredCommitmentRecord};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// The file's columns, in order.
pub const COLUMNS: [&str; 18] = [
    "commitment_code",
    "commitment_title",
    "commitment_description",
    "lead_institution",
    "commitment_start",
    "commitment_end",
    "milestone_key",
    "milestone_title",
    "milestone_description",
    "responsible_institution",
    "planned_start",
    "planned_end",
    "weight",
    "status",
    "progress",
    "narrative",
    "evidence_urls",
    "version",
];

const CODE: usize = 0;
const TITLE: usize = 1;
const DESCRIPTION: usize = 2;
const LEAD: usize = 3;
const START: usize = 4;
const END: usize = 5;
const MILESTONE_KEY: usize = 6;
const MILESTONE_TITLE: usize = 7;
const MILESTONE_DESCRIPTION: usize = 8;
const RESPONSIBLE: usize = 9;
const PLANNED_START: usize = 10;
const PLANNED_END: usize = 11;
const WEIGHT: usize = 12;
const STATUS: usize = 13;
const PROGRESS: usize = 14;
const NARRATIVE: usize = 15;
const EVIDENCE: usize = 16;
const VERSION: usize = 17;

/// The commitment's columns, which its rows must agree on.
const COMMITMENT_COLUMNS: [usize; 5] = [TITLE, DESCRIPTION, LEAD, START, END];

/// The form field the file comes in, which a refusal of the whole file names.
pub const FILE_FIELD: &str = "files";

/// The largest file taken: a plan of several thousand milestones.
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// What a spreadsheet would run as a formula when a cell starts with it.
fn formula_like(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell as exported: one a spreadsheet would run gets a leading `'`, which spreadsheets
/// show as text and uploads take off again.
fn safe_cell(cell: &str) -> String {
    if formula_like(cell) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn unsafe_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    }
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn day(value: Option<chrono::NaiveDate>) -> String {
    value.map(|d| d.to_string()).unwrap_or_default()
}

/// The commitment's cells, as a download writes them.
fn commitment_cells(commitment: &Commitment) -> [String; 5] {
    [
        commitment.title.clone(),
        text(&commitment.full_text),
        text(&commitment.lead_institution),
        day(commitment.start_date),
        day(commitment.end_date),
    ]
}

/// The milestone's cells from its key to its progress, as a download writes them.
fn milestone_cells(milestone: &Milestone) -> [String; 9] {
    [
        milestone.id.to_string(),
        milestone.title.clone(),
        text(&milestone.description),
        text(&milestone.responsible_institution),
        day(milestone.planned_start),
        day(milestone.planned_end),
        app::domain::figure(milestone.weight),
        milestone.status.as_str().to_string(),
        milestone.progress.to_string(),
    ]
}

/// A plan's commitments with their milestones, in code order.
async fn plan_contents(
    conn: &mut dyn Conn,
    plan_id: i64,
) -> Result<Vec<(StoredCommitmentRecord, Vec<Milestone>)>, AppError> {
    let mut contents = Vec::new();
    for code in storage::commitment_codes_of_plan(conn, plan_id).await? {
        let stored = storage::stored_commitment(conn, &code)
            .await?
            .ok_or(AppError::NotFound)?;
        let milestones = storage::milestones_of(conn, stored.id).await?;
        contents.push((stored, milestones));
    }
    Ok(contents)
}

/// The plan `key` as a CSV file.
pub async fn download(conn: &mut dyn Conn, key: &str) -> Result<String, AppError> {
    let (plan_id, _, _) = storage::stored_plan(conn, key)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut write = |cells: Vec<String>| {
        let cells: Vec<String> = cells.iter().map(|c| safe_cell(c)).collect();
        out.write_record(&cells).map_err(|e| {
            tracing::error!(error = %e, "cannot write a CSV row");
            AppError::Internal
        })
    };
    write(COLUMNS.iter().map(|c| c.to_string()).collect())?;
    for (stored, milestones) in plan_contents(conn, plan_id).await? {
        let commitment = &stored.commitment;
        let mut head = vec![commitment.code.clone()];
        head.extend(commitment_cells(commitment));
        if milestones.is_empty() {
            let mut cells = head.clone();
            cells.extend(std::iter::repeat_n(String::new(), 11));
            cells.push(stored.version.to_string());
            write(cells)?;
        }
        for milestone in &milestones {
            let mut cells = head.clone();
            cells.extend(milestone_cells(milestone));
            cells.extend([String::new(), String::new()]);
            cells.push(format!("{}.{}", stored.version, milestone.version));
            write(cells)?;
        }
    }
    let bytes = out.into_inner().map_err(|e| {
        tracing::error!(error = %e, "cannot finish a CSV file");
        AppError::Internal
    })?;
    String::from_utf8(bytes).map_err(|_| AppError::Internal)
}

/// One row of an uploaded file: its line and its cells, made safe again.
#[derive(Clone, Debug)]
struct Row {
    line: usize,
    cells: Vec<String>,
}

impl Row {
    fn cell(&self, column: usize) -> &str {
        self.cells.get(column).map(|c| c.trim()).unwrap_or("")
    }
}

/// The refusal of a whole file, with what is wrong.
fn bad_file(reason: Key) -> AppError {
    AppError::invalid(FILE_FIELD, reason)
}

/// The rows of a file: refused whole when it is empty, not UTF-8 CSV, or its header is not
/// the plan layout.
fn parse(bytes: &[u8]) -> Result<Vec<Row>, AppError> {
    let text = std::str::from_utf8(bytes).map_err(|_| bad_file(Key::ErrCsvEncoding))?;
    // Browsers send a form's text with `\r\n` line ends: the size is the file's, not that.
    let text = text.replace("\r\n", "\n");
    if text.len() > MAX_FILE_BYTES {
        return Err(bad_file(Key::ErrCsvTooLarge));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        _ => return Err(bad_file(Key::ErrCsvHeader)),
    };
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    if names != COLUMNS {
        return Err(bad_file(Key::ErrCsvHeader));
    }
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|_| bad_file(Key::ErrCsvUnreadable))?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        let cells: Vec<String> = record.iter().map(|c| unsafe_cell(c).to_string()).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push(Row { line, cells });
    }
    if rows.is_empty() {
        return Err(bad_file(Key::ErrCsvEmpty));
    }
    Ok(rows)
}

/// The column a form field is read from.
fn column_of(field: &str, commitment: bool) -> &'static str {
    match (field, commitment) {
        ("title", true) => COLUMNS[TITLE],
        ("description", true) => COLUMNS[DESCRIPTION],
        ("lead_institution", _) => COLUMNS[LEAD],
        ("start_date", _) => COLUMNS[START],
        ("end_date", _) => COLUMNS[END],
        ("code", _) => COLUMNS[CODE],
        ("title", false) => COLUMNS[MILESTONE_TITLE],
        ("description", false) => COLUMNS[MILESTONE_DESCRIPTION],
        ("responsible_institution", _) => COLUMNS[RESPONSIBLE],
        ("planned_start", _) => COLUMNS[PLANNED_START],
        ("planned_end", _) => COLUMNS[PLANNED_END],
        ("weight", _) => COLUMNS[WEIGHT],
        ("status", _) => COLUMNS[STATUS],
        ("progress", _) => COLUMNS[PROGRESS],
        ("narrative", _) => COLUMNS[NARRATIVE],
        ("evidence", _) => COLUMNS[EVIDENCE],
        _ => COLUMNS[VERSION],
    }
}

fn refusal(column: usize, reason: Key) -> RowRefusal {
    RowRefusal {
        column: Some(COLUMNS[column].to_string()),
        reason,
        values: Vec::new(),
    }
}

/// A refused row's reason from a field's error.
fn refusal_of(error: AppError, commitment: bool) -> RowRefusal {
    match error {
        AppError::Invalid { field, reason } | AppError::Conflict { field, reason } => RowRefusal {
            column: Some(column_of(&field, commitment).to_string()),
            reason,
            values: Vec::new(),
        },
        AppError::Stale => refusal(VERSION, Key::ErrCsvStale),
        _ => RowRefusal {
            column: None,
            reason: Key::ErrorTitle,
            values: Vec::new(),
        },
    }
}

/// `(commitment version, milestone version)` from a `version` cell.
fn versions(cell: &str) -> Option<(i64, Option<i64>)> {
    match cell.split_once('.') {
        Some((c, m)) => Some((c.parse().ok()?, Some(m.parse().ok()?))),
        None => Some((cell.parse().ok()?, None)),
    }
}

/// A column's change, if its text differs (line ends aside: browsers and spreadsheets write
/// `\r\n` where the tracker keeps `\n`).
fn change(column: usize, before: &str, after: &str) -> Option<FieldChange> {
    let same = before.replace("\r\n", "\n") == after.replace("\r\n", "\n");
    (!same).then(|| FieldChange {
        column: COLUMNS[column].to_string(),
        before: (!before.is_empty()).then(|| before.to_string()),
        after: (!after.is_empty()).then(|| after.to_string()),
    })
}

/// What applying a milestone row does.
enum MilestoneWork {
    None,
    New {
        fields: MilestoneFields,
        update: Option<MilestoneUpdate>,
    },
    Existing {
        before: Box<Milestone>,
        after: Box<Milestone>,
        update: Option<MilestoneUpdate>,
    },
}

/// One commitment of the file, with what applying it does.
struct Group {
    existing: Option<StoredCommitmentRecord>,
    after: Option<Commitment>,
    milestones: Vec<MilestoneWork>,
}

/// The status, progress and narrative of a row as an update of a milestone now at
/// `status` and `progress`; `None` when the row reports nothing new.
fn update_of(
    row: &Row,
    status: MilestoneStatus,
    progress: i64,
) -> Result<Option<MilestoneUpdate>, RowRefusal> {
    let typed_status = match row.cell(STATUS) {
        "" => status.as_str(),
        typed => typed,
    };
    let typed_progress = match (row.cell(PROGRESS), typed_status) {
        ("", "completed") => "100".to_string(),
        ("", _) => progress.to_string(),
        (typed, _) => typed.to_string(),
    };
    let reports = typed_status != status.as_str()
        || typed_progress != progress.to_string()
        || !row.cell(NARRATIVE).is_empty()
        || !row.cell(EVIDENCE).is_empty();
    if !reports {
        return Ok(None);
    }
    let input = MilestoneUpdateInput {
        status: typed_status.to_string(),
        progress: typed_progress,
        narrative: row.cell(NARRATIVE).to_string(),
        evidence: row
            .cell(EVIDENCE)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("\n"),
        version: "0".into(),
        corrects: String::new(),
    };
    input
        .validate()
        .map(Some)
        .map_err(|error| refusal_of(error, false))
}

fn milestone_input(row: &Row) -> MilestoneInput {
    MilestoneInput {
        title: row.cell(MILESTONE_TITLE).to_string(),
        description: row.cell(MILESTONE_DESCRIPTION).to_string(),
        responsible_institution: row.cell(RESPONSIBLE).to_string(),
        planned_start: row.cell(PLANNED_START).to_string(),
        planned_end: row.cell(PLANNED_END).to_string(),
        weight: row.cell(WEIGHT).to_string(),
        version: String::new(),
    }
}

/// A row's progress update, as the preview shows it: the status and progress it moves to,
/// its evidence links and its narrative.
fn show_update(
    outcome: &mut RowOutcome,
    status: MilestoneStatus,
    progress: i64,
    update: &MilestoneUpdate,
) {
    outcome
        .changes
        .extend(change(STATUS, status.as_str(), update.status.as_str()));
    outcome.changes.extend(change(
        PROGRESS,
        &progress.to_string(),
        &update.progress.to_string(),
    ));
    let links: Vec<&str> = update.evidence.iter().map(|e| e.url.as_str()).collect();
    outcome
        .changes
        .extend(change(EVIDENCE, "", &links.join(" ")));
    outcome.update = Some(update.narrative.clone());
}

/// The commitment code that follows `code` (same prefix, next number).
fn code_after(prefix: &str, code: &str) -> String {
    let number: u64 = code
        .strip_prefix(prefix)
        .filter(|n| n.len() <= 9)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    format!("{prefix}{:04}", number.saturating_add(1))
}

/// What one row does to its milestone, or why it is refused.
fn milestone_row(
    row: &Row,
    milestones: &[Milestone],
    outcome: &mut RowOutcome,
    withdrawn: bool,
    seen_keys: &mut HashSet<i64>,
) -> Result<MilestoneWork, RowRefusal> {
    let key = row.cell(MILESTONE_KEY);
    if key.is_empty() {
        if row.cell(MILESTONE_TITLE).is_empty() {
            return Ok(MilestoneWork::None);
        }
        if withdrawn {
            return Err(refusal(MILESTONE_TITLE, Key::ErrCommitmentWithdrawn));
        }
        let fields = milestone_input(row)
            .validate()
            .map_err(|error| refusal_of(error, false))?;
        let update = update_of(row, MilestoneStatus::NotStarted, 0)?;
        outcome.milestone = Some(fields.title.clone());
        if let Some(update) = &update {
            show_update(outcome, MilestoneStatus::NotStarted, 0, update);
        }
        outcome.kind = RowKind::New;
        return Ok(MilestoneWork::New { fields, update });
    }
    let before = key
        .parse::<i64>()
        .ok()
        .and_then(|id| milestones.iter().find(|m| m.id == id))
        .ok_or_else(|| refusal(MILESTONE_KEY, Key::ErrCsvUnknownMilestone))?;
    outcome.milestone = Some(before.title.clone());
    if !seen_keys.insert(before.id) {
        return Err(refusal(MILESTONE_KEY, Key::ErrCsvDuplicateKey));
    }
    match versions(row.cell(VERSION)) {
        Some((_, Some(version))) if version == before.version => {}
        _ => return Err(refusal(VERSION, Key::ErrCsvStale)),
    }
    let fields = milestone_input(row)
        .validate()
        .map_err(|error| refusal_of(error, false))?;
    let edited = milestones::edited(before, fields);
    let old = milestone_cells(before);
    let new = milestone_cells(&edited);
    for (offset, column) in (MILESTONE_TITLE..=WEIGHT).enumerate() {
        outcome
            .changes
            .extend(change(column, &old[offset + 1], &new[offset + 1]));
    }
    // What the preview shows is what is written.
    let after = if outcome.changes.is_empty() {
        before.clone()
    } else {
        edited
    };
    let update = update_of(row, before.status, before.progress)?;
    if let Some(update) = &update {
        show_update(outcome, before.status, before.progress, update);
    }
    if withdrawn && (!outcome.changes.is_empty() || update.is_some()) {
        return Err(refusal(MILESTONE_KEY, Key::ErrCommitmentWithdrawn));
    }
    Ok(MilestoneWork::Existing {
        before: Box::new(before.clone()),
        after: Box::new(after),
        update,
    })
}

/// What a preview's confirm form carries, so that applying it is refused once the plan
/// has changed since (applying it already, say, which sending it twice would repeat): a
/// hash of every commitment's and milestone's version in the plan.
fn plan_state(contents: &[(StoredCommitmentRecord, Vec<Milestone>)], next_code: &str) -> String {
    let mut hash = Sha256::new();
    // New commitments take codes from here: another commitment of the member since would
    // give them others than the preview showed.
    hash.update(format!("{next_code};"));
    for (stored, milestones) in contents {
        hash.update(format!("{}:{};", stored.commitment.code, stored.version));
        for milestone in milestones {
            hash.update(format!("{}:{},", milestone.id, milestone.version));
        }
    }
    storage::to_hex(&hash.finalize())
}

/// How an upload is to end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Apply {
    /// A preview: nothing is written.
    No,
    /// Applied, when no row is refused.
    Yes,
    /// Applied, when no row is refused and the plan is still as the preview with this
    /// state saw it (see [`UploadPreview::state`]).
    IfStill(String),
}

/// Reads `bytes`, the file `file_name`, against the plan `key` and says what each row
/// does; applying it as `apply` says, and only when no row is refused, writes it all in
/// one transaction.
pub async fn upload(
    db: &Db,
    actor: &Actor,
    key: &str,
    file_name: &str,
    bytes: &[u8],
    apply: Apply,
) -> Result<UploadPreview, AppError> {
    let mut tx = db.begin().await?;
    let (plan_id, member_id, plan) = storage::stored_plan(&mut tx, key)
        .await?
        .ok_or(AppError::NotFound)?;
    actor.authorize(|viewer| policy::may_keep_plans(viewer, &plan.member_code))?;
    let rows = parse(bytes)?;
    let prefix = storage::member_prefix(&mut tx, member_id).await?;
    let contents = plan_contents(&mut tx, plan_id).await?;
    let next_code = storage::next_commitment_code(&mut tx, &prefix).await?;
    let state = plan_state(&contents, &next_code);
    if matches!(&apply, Apply::IfStill(seen) if *seen != state) {
        return Err(AppError::conflict(FILE_FIELD, Key::ErrCsvPlanChanged));
    }
    let mut reading = Reading {
        plan: &plan,
        prefix: &prefix,
        by_code: contents
            .iter()
            .map(|entry| (entry.0.commitment.code.as_str(), entry))
            .collect(),
        rows: &rows,
        groups: Vec::new(),
        group_of: HashMap::new(),
        next_code,
        next_number: storage::commitment_count(&mut tx, plan_id).await? + 1,
        seen_keys: HashSet::new(),
    };
    let mut preview = UploadPreview {
        plan_key: plan.key.clone(),
        file_name: file_name.to_string(),
        rows: Vec::new(),
        applied: false,
        state,
    };
    for row in &rows {
        preview.rows.push(reading.read(row));
    }
    let groups = reading.groups;
    if apply == Apply::No || preview.refused() || !preview.changes_anything() {
        tx.rollback().await?;
        return Ok(preview);
    }
    let mut change = actor.change(storage::now(), actor.for_member(&plan.member_code));
    change.source = Some(file_name.to_string());
    let mut history = ChangeRecorder::new(change);
    for group in groups {
        write_group(&mut tx, actor, &mut history, plan_id, &plan, group).await?;
    }
    tx.commit().await?;
    preview.applied = true;
    Ok(preview)
}

/// A file being read against the plan: its commitments in the order the file first names
/// them (by code, or for new ones by title), and what the rows so far have taken.
struct Reading<'a> {
    plan: &'a ActionPlan,
    prefix: &'a str,
    by_code: HashMap<&'a str, &'a (StoredCommitmentRecord, Vec<Milestone>)>,
    rows: &'a [Row],
    groups: Vec<Group>,
    /// A group's index and the line of its first row, by code (or `new:` and title).
    group_of: HashMap<String, (usize, usize)>,
    next_code: String,
    next_number: i64,
    /// Milestone keys already taken by a row: a milestone is changed by one row only.
    seen_keys: HashSet<i64>,
}

impl Reading<'_> {
    /// What `row` does.
    fn read(&mut self, row: &Row) -> RowOutcome {
        let mut outcome = RowOutcome {
            line: row.line,
            commitment: row.cell(CODE).to_uppercase(),
            commitment_title: row.cell(TITLE).to_string(),
            milestone: None,
            kind: RowKind::Unchanged,
            changes: Vec::new(),
            update: None,
            refusal: None,
        };
        if let Err(refused) = self.commitment_row(row, &mut outcome) {
            outcome.kind = RowKind::Refused;
            outcome.refusal = Some(refused);
        }
        outcome
    }

    /// Reads one row's commitment (and then its milestone), filling `outcome`.
    fn commitment_row(&mut self, row: &Row, outcome: &mut RowOutcome) -> Result<(), RowRefusal> {
        if row.cells.len() != COLUMNS.len() {
            return Err(RowRefusal {
                column: None,
                reason: Key::ErrCsvCells,
                values: vec![("count".into(), row.cells.len().to_string())],
            });
        }
        let code = row.cell(CODE).to_uppercase();
        let group_key = if code.is_empty() {
            format!("new:{}", row.cell(TITLE))
        } else {
            code.clone()
        };
        let stored = if code.is_empty() {
            None
        } else {
            Some(
                self.by_code
                    .get(code.as_str())
                    .copied()
                    .ok_or_else(|| refusal(CODE, Key::ErrCsvUnknownCommitment))?,
            )
        };
        if let Some((record, _)) = stored {
            outcome.commitment_title = record.commitment.title.clone();
            let version = versions(row.cell(VERSION)).map(|(c, _)| c);
            let is_new_milestone =
                row.cell(MILESTONE_KEY).is_empty() && row.cell(VERSION).is_empty();
            if !is_new_milestone && version != Some(record.version) {
                return Err(refusal(VERSION, Key::ErrCsvStale));
            }
        }
        let group_index = match self.group_of.get(&group_key) {
            Some(&(index, first_line)) => {
                // The commitment's columns repeat on each of its rows: they must agree.
                let first = self
                    .rows
                    .iter()
                    .find(|r| r.line == first_line)
                    .unwrap_or(row);
                if let Some(column) = COMMITMENT_COLUMNS
                    .iter()
                    .find(|&&c| first.cell(c) != row.cell(c))
                {
                    return Err(RowRefusal {
                        column: Some(COLUMNS[*column].to_string()),
                        reason: Key::ErrCsvDisagrees,
                        values: vec![("line".into(), first_line.to_string())],
                    });
                }
                index
            }
            None => {
                let group = self.first_commitment_row(row, stored, outcome)?;
                self.groups.push(group);
                let index = self.groups.len() - 1;
                self.group_of.insert(group_key, (index, row.line));
                index
            }
        };
        let group = &mut self.groups[group_index];
        if group.existing.is_none() && outcome.kind != RowKind::New {
            outcome.commitment = group
                .after
                .as_ref()
                .map(|c| c.code.clone())
                .unwrap_or_default();
        }
        let (milestones, withdrawn) = match stored {
            Some((record, milestones)) => (
                milestones.as_slice(),
                record.commitment.withdrawal.is_some(),
            ),
            None => (&[][..], false),
        };
        let work = milestone_row(row, milestones, outcome, withdrawn, &mut self.seen_keys)?;
        if outcome.kind == RowKind::Unchanged
            && (!outcome.changes.is_empty() || outcome.update.is_some())
        {
            outcome.kind = RowKind::Changed;
        }
        group.milestones.push(work);
        Ok(())
    }

    /// The first row of a commitment: its commitment's columns read, checked and compared.
    fn first_commitment_row(
        &mut self,
        row: &Row,
        stored: Option<&(StoredCommitmentRecord, Vec<Milestone>)>,
        outcome: &mut RowOutcome,
    ) -> Result<Group, RowRefusal> {
        let typed = |input: CommitmentInput| CommitmentInput {
            title: row.cell(TITLE).to_string(),
            description: row.cell(DESCRIPTION).to_string(),
            lead_institution: row.cell(LEAD).to_string(),
            start_date: row.cell(START).to_string(),
            end_date: row.cell(END).to_string(),
            ..input
        };
        let Some((record, _)) = stored else {
            if self.plan.status == PlanStatus::Completed {
                return Err(refusal(TITLE, Key::ErrPlanEnded));
            }
            let input = typed(CommitmentInput {
                code: self.next_code.clone(),
                number: self.next_number.to_string(),
                ..CommitmentInput::default()
            });
            let commitment = input
                .validate(self.prefix, None)
                .map_err(|error| refusal_of(error, true))?
                .into_new(&self.plan.key);
            debug_assert!(is_commitment_code(&commitment.code, self.prefix));
            self.next_code = code_after(self.prefix, &self.next_code);
            self.next_number += 1;
            outcome.commitment = commitment.code.clone();
            outcome.kind = RowKind::New;
            return Ok(Group {
                existing: None,
                after: Some(commitment),
                milestones: Vec::new(),
            });
        };
        let before = &record.commitment;
        let input = typed(CommitmentInput::from_commitment(before, record.version));
        let after = input
            .validate(self.prefix, Some(before))
            .map_err(|error| refusal_of(error, true))?
            .apply_to(before);
        let old = commitment_cells(before);
        let new = commitment_cells(&after);
        for (offset, column) in COMMITMENT_COLUMNS.iter().enumerate() {
            outcome
                .changes
                .extend(change(*column, &old[offset], &new[offset]));
        }
        // What the preview shows is what is written: nothing else of the commitment.
        let changed = !outcome.changes.is_empty();
        if changed && before.withdrawal.is_some() {
            return Err(refusal(TITLE, Key::ErrCommitmentWithdrawn));
        }
        // A row adding a milestone may leave `version` empty; it cannot then change the
        // commitment, which may have changed since the file was made.
        if changed && row.cell(VERSION).is_empty() {
            return Err(refusal(VERSION, Key::ErrCsvVersionNeeded));
        }
        Ok(Group {
            existing: Some(record.clone()),
            after: changed.then_some(after),
            milestones: Vec::new(),
        })
    }
}

/// Writes one commitment of the file and its milestones.
async fn write_group(
    tx: &mut storage::Tx,
    actor: &Actor,
    history: &mut ChangeRecorder,
    plan_id: i64,
    plan: &ActionPlan,
    group: Group,
) -> Result<(), AppError> {
    let (commitment_id, commitment) = match (&group.existing, &group.after) {
        (None, Some(new)) => (
            commitments::insert(tx, history, plan_id, new).await?,
            new.clone(),
        ),
        (Some(stored), Some(after)) => {
            commitments::update(tx, actor, history, stored, after).await?;
            (stored.id, after.clone())
        }
        (Some(stored), None) => (stored.id, stored.commitment.clone()),
        (None, None) => return Ok(()),
    };
    let lead = commitment.lead_institution.as_deref();
    let public = actor.for_commitment(&plan.member_code, lead);
    let author = app::domain::PublicActor {
        member: None,
        ..public
    };
    let author_id = actor.viewer().map(|v| v.user_id);
    let mut position = storage::next_milestone_position(tx, commitment_id).await?;
    for work in group.milestones {
        let (milestone, update) = match work {
            MilestoneWork::None => continue,
            MilestoneWork::New { fields, update } => {
                let new = milestones::new_milestone(fields, position);
                position += 1;
                let id = milestones::insert(tx, history, commitment_id, &new).await?;
                let inserted = Milestone {
                    id,
                    position: new.position,
                    title: new.title,
                    description: new.description,
                    responsible_institution: new.responsible_institution,
                    planned_start: new.planned_start,
                    planned_end: new.planned_end,
                    completed_on: None,
                    status: new.status,
                    progress: new.progress,
                    weight: new.weight,
                    version: 1,
                    latest_update: None,
                };
                (inserted, update)
            }
            MilestoneWork::Existing {
                before,
                after,
                update,
            } => {
                if after != before {
                    milestones::update_fields(tx, history, commitment_id, &before, &after).await?;
                    let saved = Milestone {
                        version: before.version + 1,
                        ..*after
                    };
                    (saved, update)
                } else {
                    (*before, update)
                }
            }
        };
        if let Some(update) = update {
            let by = milestones::Report {
                author: author.clone(),
                author_id,
                files: Vec::new(),
            };
            milestones::report(tx, history, commitment_id, &milestone, &update, by).await?;
        }
    }
    Ok(())
}

/// The preview as text, in `lang`: a line per row, then the totals.
pub fn report(preview: &UploadPreview, lang: Lang) -> String {
    let say = |key: Key| app::i18n::text(lang, key);
    let mut out = String::new();
    for row in &preview.rows {
        let what = match &row.milestone {
            Some(milestone) => format!("{} / {milestone}", row.commitment_title),
            None => row.commitment_title.clone(),
        };
        let code = if row.commitment.is_empty() {
            "-"
        } else {
            row.commitment.as_str()
        };
        out.push_str(&format!(
            "{} {}: {} {code} {what}\n",
            say(Key::CsvLine),
            row.line,
            say(row.kind.label_key()),
        ));
        for change in &row.changes {
            out.push_str(&format!(
                "    {}: {} -> {}\n",
                change.column,
                change.before.as_deref().unwrap_or("-"),
                change.after.as_deref().unwrap_or("-")
            ));
        }
        if let Some(narrative) = &row.update {
            out.push_str(&format!("    {}: {narrative}\n", say(Key::CsvNewUpdate)));
        }
        if let Some(refusal) = &row.refusal {
            let reason = fill(
                say(refusal.reason),
                refusal.values.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            );
            match &refusal.column {
                Some(column) => out.push_str(&format!("    {column}: {reason}\n")),
                None => out.push_str(&format!("    {reason}\n")),
            }
        }
    }
    out.push_str(&fill(
        say(Key::CsvTotals),
        [
            ("new", preview.count(RowKind::New).to_string().as_str()),
            (
                "changed",
                preview.count(RowKind::Changed).to_string().as_str(),
            ),
            (
                "unchanged",
                preview.count(RowKind::Unchanged).to_string().as_str(),
            ),
            (
                "refused",
                preview.count(RowKind::Refused).to_string().as_str(),
            ),
        ],
    ));
    out.push('\n');
    let outcome = if preview.applied {
        Key::CsvApplied
    } else if preview.refused() {
        Key::CsvNothingApplied
    } else {
        Key::CsvNotApplied
    };
    out.push_str(say(outcome));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_exported_as_text_and_read_back() {
        for cell in ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx"] {
            let safe = safe_cell(cell);
            assert!(safe.starts_with('\''), "{cell}");
            assert_eq!(unsafe_cell(&safe), cell);
        }
        assert_eq!(safe_cell("Ministry"), "Ministry");
        assert_eq!(unsafe_cell("'quoted"), "'quoted", "an ordinary quote stays");
    }

    #[test]
    fn versions_and_codes_are_read() {
        assert_eq!(versions("3.7"), Some((3, Some(7))));
        assert_eq!(versions("3"), Some((3, None)));
        assert_eq!(versions("x"), None);
        assert_eq!(versions(""), None);
        assert_eq!(code_after("AR", "AR0045"), "AR0046");
    }

    #[test]
    fn a_file_without_the_layout_is_refused_whole() {
        assert_eq!(
            parse(b"a,b\n1,2\n").unwrap_err(),
            bad_file(Key::ErrCsvHeader)
        );
        assert_eq!(
            parse(&[0xff, 0xfe]).unwrap_err(),
            bad_file(Key::ErrCsvEncoding)
        );
        let header = COLUMNS.join(",");
        assert_eq!(
            parse(header.as_bytes()).unwrap_err(),
            bad_file(Key::ErrCsvEmpty)
        );
        let with_bom = format!("\u{feff}{header}\nAR0001{}\n", ",".repeat(17));
        assert_eq!(parse(with_bom.as_bytes()).unwrap().len(), 1);
    }
}
