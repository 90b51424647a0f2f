//! Importing OGP commitment data: the records read from a file (see `crate::import`)
//! written in one transaction, each member, plan, commitment and assessment compared with
//! what is stored, so that only what changed is written and shows in the history, named
//! after the file.

use super::{Actor, AppError};
use crate::import::{self, ImportError, ImportRecord, ImportReport, Layout};
use app::domain::{
    slugify, ActionPlan, Assessment, AuditAction, AuditFact, ChangeCause, Commitment, FieldValues,
    Indicator, Member, PublicActor, RawValue, RecordKind,
};
use app::storage::{self, ChangeRecorder, Conn, NewEntry, StorageError};
use std::collections::{HashMap, HashSet};

/// Imports `text`, the content of the file named `file`, in one transaction; with
/// `dry_run` the transaction is rolled back, so the report says what an import would do.
pub async fn import_text(
    db: &storage::Db,
    actor: &Actor,
    file: &str,
    text: &str,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    actor.authorize(app::policy::may_administer)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (records, mut report) = import::parse(file, text, dry_run)?;
    write(db, actor, records, &mut report).await?;
    Ok(report)
}

/// Where the importer keeps what it found: the newest layout is OGP's reference for members
/// and plans; the Explorer's names are older, so they never overwrite what is stored.
fn overwrites(layout: Layout) -> bool {
    layout == Layout::Current
}

/// What `of` picks from the rows (with its key): once per key, from the first row with it.
fn first_named<'a, T>(
    records: &'a [ImportRecord],
    of: impl Fn(&'a ImportRecord) -> (&'a T, &'a str),
) -> Vec<&'a T> {
    let mut seen: HashSet<&str> = HashSet::new();
    records
        .iter()
        .filter_map(|record| {
            let (item, key) = of(record);
            seen.insert(key).then_some(item)
        })
        .collect()
}

/// Writes the members the rows name, the new ones together; answers each one's id and
/// commitment prefix (as stored now), by code.
async fn write_members(
    conn: &mut dyn Conn,
    history: &mut ChangeRecorder,
    records: &[ImportRecord],
    layout: Layout,
) -> Result<HashMap<String, (i64, String)>, StorageError> {
    let members = first_named(records, |r| (&r.member, r.member.code.as_str()));
    let codes: Vec<&str> = members.iter().map(|m| m.code.as_str()).collect();
    let mut stored = storage::stored_members(conn, &codes).await?;
    let mut new: Vec<&Member> = Vec::new();
    let mut written: HashMap<String, (i64, String)> = HashMap::new();
    for member in members {
        let Some((id, stored)) = stored.remove(&member.code) else {
            new.push(member);
            continue;
        };
        let merged = Member {
            region: member.region.or(stored.region),
            demo: stored.demo,
            ..member.clone()
        };
        let now = if overwrites(layout) && merged != stored {
            storage::update_member(conn, id, &merged, None).await?;
            let entries = NewEntry::changes(
                RecordKind::Member,
                id,
                None,
                None,
                &stored.history_values(),
                &merged.history_values(),
            );
            history.add_all(conn, entries).await?;
            merged
        } else {
            stored
        };
        written.insert(member.code.clone(), (id, now.commitment_prefix));
    }
    let ids = storage::insert_members(conn, &new, false).await?;
    let created = new
        .iter()
        .zip(&ids)
        .map(|(member, id)| NewEntry::created(RecordKind::Member, *id, None, None, &member.name));
    history.add_all(conn, created).await?;
    written.extend(
        new.iter()
            .zip(ids)
            .map(|(member, id)| (member.code.clone(), (id, member.commitment_prefix.clone()))),
    );
    Ok(written)
}

/// Writes the plans the rows name, the new ones together; answers each one's id by key,
/// and the ids of those this inserted (no commitment of theirs is stored).
async fn write_plans(
    conn: &mut dyn Conn,
    history: &mut ChangeRecorder,
    records: &[ImportRecord],
    member_ids: &HashMap<String, (i64, String)>,
    layout: Layout,
) -> Result<(HashMap<String, i64>, HashSet<i64>), StorageError> {
    let firsts = first_named(records, |r| (r, r.plan.key.as_str()));
    let member_of = |record: &ImportRecord| member_ids.get(&record.member.code).map(|(id, _)| *id);
    let keys: Vec<&str> = firsts.iter().map(|r| r.plan.key.as_str()).collect();
    let mut stored = storage::stored_plans(conn, &keys).await?;
    let mut new: Vec<(&ActionPlan, i64)> = Vec::new();
    let mut ids = HashMap::new();
    for record in firsts {
        let (plan, Some(member_id)) = (&record.plan, member_of(record)) else {
            continue;
        };
        let Some((id, stored_member, stored)) = stored.remove(&plan.key) else {
            new.push((plan, member_id));
            continue;
        };
        ids.insert(plan.key.clone(), id);
        if !overwrites(layout) {
            continue;
        }
        // What the file leaves empty, the stored plan keeps.
        let merged = ActionPlan {
            title: plan.title.clone().or(stored.title.clone()),
            year_submitted: plan.year_submitted.or(stored.year_submitted),
            end_year: plan.end_year.or(stored.end_year),
            start_date: plan.start_date.or(stored.start_date),
            end_date: plan.end_date.or(stored.end_date),
            document_url: plan.document_url.clone().or(stored.document_url.clone()),
            ..plan.clone()
        };
        if merged != stored || stored_member != member_id {
            storage::update_plan(conn, id, member_id, &merged, None).await?;
            let entries = NewEntry::changes(
                RecordKind::Plan,
                id,
                None,
                None,
                &stored.history_values(),
                &merged.history_values(),
            );
            history.add_all(conn, entries).await?;
        }
    }
    let inserted = storage::insert_plans(conn, &new).await?;
    let created = new
        .iter()
        .zip(&inserted)
        .map(|((plan, _), id)| NewEntry::created(RecordKind::Plan, *id, None, None, &plan.key));
    history.add_all(conn, created).await?;
    ids.extend(
        new.iter()
            .zip(&inserted)
            .map(|((plan, _), id)| (plan.key.clone(), *id)),
    );
    Ok((ids, inserted.into_iter().collect()))
}

/// Scores in the order the tracker shows them, to compare an assessment with a stored one.
fn in_order(assessment: &Assessment) -> Assessment {
    let order = Indicator::all();
    let mut sorted = assessment.clone();
    sorted
        .scores
        .sort_by_key(|s| order.iter().position(|i| *i == s.indicator));
    sorted
}

/// Writes `assessment` of the stored commitment `commitment_id` where it changed (those of
/// new commitments are inserted together, in [`insert_new`]).
async fn write_assessment(
    conn: &mut dyn Conn,
    history: &mut ChangeRecorder,
    commitment_id: i64,
    assessment: &Assessment,
) -> Result<(), StorageError> {
    let assessment = in_order(assessment);
    let stored = storage::stored_assessment(conn, commitment_id, &assessment).await?;
    // Unchanged, or a tracker scorer's newer version of it (never overwritten by a file).
    if stored
        .as_ref()
        .is_some_and(|(_, s, by_scorer)| *s == assessment || *by_scorer)
    {
        return Ok(());
    }
    let Some(id) =
        storage::save_assessment(conn, commitment_id, &assessment, history.at(), false).await?
    else {
        return Ok(());
    };
    let (record, in_commitment) = (RecordKind::Assessment, Some(commitment_id));
    let entries = match &stored {
        None => vec![NewEntry::created(
            record,
            id,
            in_commitment,
            None,
            &assessment.history_label(),
        )],
        Some((_, stored, _)) => NewEntry::changes(
            record,
            id,
            in_commitment,
            None,
            &stored.history_values(),
            &assessment.history_values(),
        ),
    };
    history.add_all(conn, entries).await
}

/// What became of one stored commitment.
enum Written {
    Updated(i64),
    Unchanged(i64),
    /// The ID belongs to another commitment (another plan or number): nothing was written.
    Conflict {
        plan: String,
        number: String,
    },
}

async fn write_commitment(
    conn: &mut dyn Conn,
    actor: &Actor,
    history: &mut ChangeRecorder,
    record: &ImportRecord,
    plan_id: i64,
) -> Result<Written, StorageError> {
    let commitment = &record.commitment;
    let Some(storage::StoredCommitmentRecord {
        id,
        plan_id: stored_plan_id,
        commitment: stored,
        raw_values: stored_raw,
        ..
    }) = storage::stored_commitment(conn, &commitment.code).await?
    else {
        // Found stored in this same transaction a moment ago.
        return Err(StorageError::Corrupt(format!(
            "commitment {} is no longer stored",
            commitment.code
        )));
    };
    if stored_plan_id != plan_id || stored.number != commitment.number {
        return Ok(Written::Conflict {
            plan: stored.plan_key,
            number: stored.number,
        });
    }
    // What points of contact keep in the tracker is theirs: a file does not hold it.
    let mut commitment = Commitment {
        problem: stored.problem.clone(),
        entered: stored.entered,
        withdrawal: stored.withdrawal.clone(),
        ..commitment.clone()
    };
    // A policy area is stored once per slug, under its first spelling: a file spelling it
    // otherwise names the same area.
    for area in &mut commitment.policy_areas {
        if let Some(known) = stored
            .policy_areas
            .iter()
            .find(|known| slugify(known) == slugify(area))
        {
            area.clone_from(known);
        }
    }
    let mut raw = record.raw_values.clone();
    raw.sort_by(|a, b| a.field.cmp(&b.field));
    let before = with_raw(stored.history_values(), &stored_raw);
    let after = with_raw(commitment.history_values(), &raw);
    if before == after && stored_raw == raw && stored.code_derived == commitment.code_derived {
        return Ok(Written::Unchanged(id));
    }
    storage::update_commitment(conn, id, &commitment, &record.raw_values, None).await?;
    super::commitments::audit_lead_change(conn, actor, &stored, &commitment).await?;
    let entries = NewEntry::changes(RecordKind::Commitment, id, Some(id), None, &before, &after);
    history.add_all(conn, entries).await?;
    Ok(Written::Updated(id))
}

/// A record's values with, where no value could be read, the text the file held instead
/// (an OGP missing-value code, or text that is not a date): a change of that text shows in
/// the history too.
fn with_raw(mut values: FieldValues, raw: &[RawValue]) -> FieldValues {
    for (field, value) in &mut values {
        if value.is_none() {
            let name = field.machine_name();
            *value = raw.iter().find(|r| r.field == name).map(|r| r.raw.clone());
        }
    }
    values
}

/// Inserts the held commitments new to the database (each row with its plan's id), their
/// assessments and their history entries (in the order the rows came), and empties `held`.
/// Held and written together: one commitment at a time, an import was a few dozen
/// statements per row.
async fn insert_new(
    conn: &mut dyn Conn,
    history: &mut ChangeRecorder,
    held: &mut Vec<(ImportRecord, i64)>,
    report: &mut ImportReport,
) -> Result<(), StorageError> {
    if held.is_empty() {
        return Ok(());
    }
    let assessments: Vec<Vec<Assessment>> = held
        .iter()
        .map(|(record, _)| record.assessments.iter().map(in_order).collect())
        .collect();
    let news: Vec<storage::NewCommitment> = held
        .iter()
        .zip(&assessments)
        .map(|((record, plan_id), assessments)| storage::NewCommitment {
            commitment: &record.commitment,
            plan_id: *plan_id,
            raw_values: &record.raw_values,
            disagreements: app::domain::disagreements(assessments),
        })
        .collect();
    let ids = storage::insert_commitments(conn, &news).await?;
    let scored: Vec<(i64, &Assessment)> = ids
        .iter()
        .zip(&assessments)
        .flat_map(|(id, assessments)| assessments.iter().map(move |a| (*id, a)))
        .collect();
    let assessment_ids = storage::insert_published_assessments(conn, &scored, history.at()).await?;
    let mut assessment_ids = assessment_ids.into_iter();
    let mut entries = Vec::with_capacity(ids.len() + scored.len());
    for (((record, _), id), assessments) in held.iter().zip(&ids).zip(&assessments) {
        entries.push(NewEntry::created(
            RecordKind::Commitment,
            *id,
            Some(*id),
            None,
            &record.commitment.title,
        ));
        for (assessment, assessment_id) in assessments.iter().zip(assessment_ids.by_ref()) {
            let label = assessment.history_label();
            entries.push(NewEntry::created(
                RecordKind::Assessment,
                assessment_id,
                Some(*id),
                None,
                &label,
            ));
        }
    }
    history.add_all(conn, entries).await?;
    report.inserted += ids.len();
    report.assessments += scored.len();
    held.clear();
    Ok(())
}

/// The next free commitment ID of each member prefix this import derives IDs under: read
/// from the database once per prefix, then counted on, since the commitments given those
/// IDs are inserted together later. Only a file without OGP's IDs (the Explorer layout)
/// derives them, so every held ID under a prefix came from here. (On PostgreSQL, a
/// commitment numbered under the same prefix by another transaction meanwhile makes the
/// import fail on the ID's key, changing nothing.)
#[derive(Default)]
struct DerivedCodes {
    highest: HashMap<String, u64>,
}

impl DerivedCodes {
    async fn next(&mut self, conn: &mut dyn Conn, prefix: &str) -> Result<String, StorageError> {
        let highest = match self.highest.get(prefix) {
            Some(highest) => *highest,
            None => storage::highest_commitment_number(conn, prefix).await?,
        };
        let number = highest.saturating_add(1);
        self.highest.insert(prefix.to_string(), number);
        Ok(storage::commitment_code(prefix, number))
    }
}

async fn write(
    db: &storage::Db,
    actor: &Actor,
    records: Vec<ImportRecord>,
    report: &mut ImportReport,
) -> Result<(), StorageError> {
    let mut tx = db.begin().await?;
    let file_name = std::path::Path::new(&report.file)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| report.file.clone());
    let mut change = actor.change(storage::now(), PublicActor::default());
    change.cause = ChangeCause::Import;
    change.source = Some(file_name.clone());
    let mut history = ChangeRecorder::new(change);

    // Which of the file's own IDs are stored: one query, not one per row.
    let given: Vec<&str> = records
        .iter()
        .filter(|record| !record.commitment.code_derived)
        .map(|record| record.commitment.code.as_str())
        .collect();
    let stored_codes = storage::stored_commitment_codes(&mut tx, &given).await?;

    let member_ids = write_members(&mut tx, &mut history, &records, report.layout).await?;
    let (plan_ids, new_plans) =
        write_plans(&mut tx, &mut history, &records, &member_ids, report.layout).await?;
    let mut members_touched = HashSet::new();
    let mut held: Vec<(ImportRecord, i64)> = Vec::new();
    let mut derived = DerivedCodes::default();
    for mut record in records {
        let (Some((_, prefix)), Some(&plan_id)) = (
            member_ids.get(&record.member.code),
            plan_ids.get(&record.plan.key),
        ) else {
            return Err(StorageError::Corrupt(format!(
                "row {}: its member or plan was not written",
                record.line
            )));
        };
        let is_new = if record.commitment.code_derived {
            // Held commitments are not stored yet, so this finds none of them: none can be
            // this row's, since the reading skips a repeated plan, number and title.
            let stored = match new_plans.contains(&plan_id) {
                true => None,
                false => {
                    storage::commitment_in_plan(
                        &mut tx,
                        plan_id,
                        &record.commitment.number,
                        &record.commitment.title,
                    )
                    .await?
                }
            };
            let (code, is_new) = match stored {
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
                Some(stored) => (stored.code, false),
                None => (derived.next(&mut tx, prefix).await?, true),
            };
            report.derived_ids.push((record.line, code.clone()));
            record.commitment.code = code;
            is_new
        } else {
            !stored_codes.contains(&record.commitment.code)
        };
        if is_new {
            members_touched.insert(record.member.code.clone());
            held.push((record, plan_id));
            continue;
        }
        // A stored commitment: the new ones of the rows before it are written first, so their
        // history entries come before its changes, as the rows do.
        insert_new(&mut tx, &mut history, &mut held, report).await?;
        let commitment_id = match write_commitment(&mut tx, actor, &mut history, &record, plan_id)
            .await?
        {
            Written::Updated(id) => {
                report.updated += 1;
                id
            }
            Written::Unchanged(id) => {
                report.unchanged += 1;
                id
            }
            Written::Conflict { plan, number } => {
                report.skip(
                    record.line,
                    format!(
                        "ID {} already belongs to commitment {number} of {plan}; nothing overwritten",
                        record.commitment.code
                    ),
                );
                continue;
            }
        };
        members_touched.insert(record.member.code.clone());
        for assessment in &record.assessments {
            write_assessment(&mut tx, &mut history, commitment_id, assessment).await?;
            report.assessments += 1;
        }
    }
    insert_new(&mut tx, &mut history, &mut held, report).await?;
    // Entries are written in batches: one statement per record was one in seven of an
    // import's statements.
    history.flush(&mut tx).await?;
    report.members = members_touched.len();
    report.plans = plan_ids.len();
    report.history_entries = history.entries;
    let facts = vec![
        (AuditFact::File, file_name),
        (AuditFact::Changes, history.entries.to_string()),
    ];
    actor
        .audit(&mut tx, AuditAction::DataImported, None, facts)
        .await?;
    if report.dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
        storage::fold_totals(db).await;
    }
    Ok(())
}

impl From<AppError> for ImportError {
    fn from(error: AppError) -> Self {
        ImportError::Refused(error)
    }
}
