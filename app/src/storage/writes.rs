//! Writing members, plans, commitments, assessments, milestones and progress updates: used
//! by the commands, the importer and the demo-data generator, always inside a transaction
//! the caller commits. Updates raise the record's version.

use super::{delete_owned, Conn, StorageError, ROWS_PER_INSERT};
use crate::domain::{
    ActionPlan, Commitment, EvidenceLink, Member, MilestoneStatus, OgpValue, PublicActor, RawValue,
};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

pub async fn insert_member(
    conn: &mut dyn Conn,
    member: &Member,
    demo: bool,
) -> Result<i64, StorageError> {
    Ok(insert_members(conn, &[member], demo).await?[0])
}

/// Inserts `members` in multi-row statements; answers their ids in the same order.
pub async fn insert_members(
    conn: &mut dyn Conn,
    members: &[&Member],
    demo: bool,
) -> Result<Vec<i64>, StorageError> {
    let ids = insert_returning_ids!(
        conn,
        "INSERT INTO members (code, name, slug, kind, region, commitment_prefix, demo) ",
        members,
        "code",
        "member",
        |row, member| row
            .push_bind(&member.code)
            .push_bind(&member.name)
            .push_bind(&member.slug)
            .push_bind(member.kind)
            .push_bind(member.region)
            .push_bind(&member.commitment_prefix)
            .push_bind(demo),
        |member| member.code.as_str()
    );
    Ok(ids)
}

/// The rows `select` (a query up to its `WHERE`) reads where `column` is one of `values`:
/// a few statements for thousands of values, not one each.
async fn rows_where_in<T>(
    conn: &mut dyn Conn,
    select: &str,
    column: &str,
    values: &[&str],
) -> Result<Vec<T>, StorageError>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    let mut rows = Vec::new();
    for chunk in values.chunks(ROWS_PER_INSERT) {
        let found: Vec<T> = native!(conn, |c| {
            let mut query = sqlx::QueryBuilder::new(format!("{select} WHERE {column} IN ("));
            let mut list = query.separated(", ");
            for value in chunk {
                list.push_bind(*value);
            }
            query.push(")");
            query.build_query_as().fetch_all(c).await
        })?;
        rows.extend(found);
    }
    Ok(rows)
}

/// The stored members among `codes`, by code: each one's id and the member.
pub async fn stored_members(
    conn: &mut dyn Conn,
    codes: &[&str],
) -> Result<HashMap<String, (i64, Member)>, StorageError> {
    let select = format!("SELECT {} FROM members m", super::members::MEMBER_COLUMNS);
    let rows: Vec<super::members::MemberRow> =
        rows_where_in(conn, &select, "m.code", codes).await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.code.clone(), (row.id, row.into())))
        .collect())
}

/// Saves a member's fields and raises its version; with `expected_version`, only when the
/// member is still at it. Answers whether it was saved.
pub async fn update_member(
    conn: &mut dyn Conn,
    member_id: i64,
    member: &Member,
    expected_version: Option<i64>,
) -> Result<bool, StorageError> {
    let changed = execute!(
        conn,
        sqlx::query(
            "UPDATE members SET name = $1, slug = $2, kind = $3, region = $4,
                commitment_prefix = $5, version = version + 1
             WHERE id = $6 AND ($7 IS NULL OR version = $7)",
        )
        .bind(&member.name)
        .bind(&member.slug)
        .bind(member.kind)
        .bind(member.region)
        .bind(&member.commitment_prefix)
        .bind(member_id)
        .bind(expected_version)
    )?;
    // Its name, region and kind are every one of its commitments' facts.
    super::facts_changed_everywhere(conn).await?;
    Ok(changed == 1)
}

/// Whether another member than `except` already uses this slug, and this prefix.
pub async fn member_clashes(
    conn: &mut dyn Conn,
    member: &Member,
    except: Option<i64>,
) -> Result<(bool, bool), StorageError> {
    #[derive(sqlx::FromRow)]
    struct Clash {
        slug_taken: bool,
        prefix_taken: bool,
    }
    let clash: Clash = run!(
        conn,
        fetch_one,
        sqlx::query_as(
            "SELECT
                EXISTS (SELECT 1 FROM members WHERE slug = $1 AND id <> $3) AS slug_taken,
                EXISTS (SELECT 1 FROM members WHERE commitment_prefix = $2 AND id <> $3)
                    AS prefix_taken",
        )
        .bind(&member.slug)
        .bind(&member.commitment_prefix)
        .bind(except.unwrap_or(0))
    )?;
    Ok((clash.slug_taken, clash.prefix_taken))
}

pub async fn insert_plan(
    conn: &mut dyn Conn,
    plan: &ActionPlan,
    member_id: i64,
) -> Result<i64, StorageError> {
    Ok(insert_plans(conn, &[(plan, member_id)]).await?[0])
}

/// Inserts each (plan, member id) in multi-row statements; answers their ids in the same
/// order.
pub async fn insert_plans(
    conn: &mut dyn Conn,
    plans: &[(&ActionPlan, i64)],
) -> Result<Vec<i64>, StorageError> {
    let ids = insert_returning_ids!(
        conn,
        "INSERT INTO action_plans (plan_key, member_id, number, title, year_submitted,
            end_year, start_date, end_date, status, document_url) ",
        plans,
        "plan_key",
        "plan",
        |row, item| {
            let (plan, member_id) = item;
            row.push_bind(&plan.key)
                .push_bind(*member_id)
                .push_bind(plan.number)
                .push_bind(&plan.title)
                .push_bind(plan.year_submitted)
                .push_bind(plan.end_year)
                .push_bind(plan.start_date)
                .push_bind(plan.end_date)
                .push_bind(plan.status)
                .push_bind(&plan.document_url)
        },
        |item| item.0.key.as_str()
    );
    Ok(ids)
}

/// Saves a plan's fields and raises its version; with `expected_version`, only when the
/// plan is still at it. Answers whether it was saved.
pub async fn update_plan(
    conn: &mut dyn Conn,
    plan_id: i64,
    member_id: i64,
    plan: &ActionPlan,
    expected_version: Option<i64>,
) -> Result<bool, StorageError> {
    let changed = execute!(
        conn,
        sqlx::query(
            "UPDATE action_plans SET member_id = $1, number = $2, title = $3,
                year_submitted = $4, end_year = $5, start_date = $6, end_date = $7,
                status = $8, document_url = $9, version = version + 1
             WHERE id = $10 AND ($11 IS NULL OR version = $11)",
        )
        .bind(member_id)
        .bind(plan.number)
        .bind(&plan.title)
        .bind(plan.year_submitted)
        .bind(plan.end_year)
        .bind(plan.start_date)
        .bind(plan.end_date)
        .bind(plan.status)
        .bind(&plan.document_url)
        .bind(plan_id)
        .bind(expected_version)
    )?;
    super::facts_changed_everywhere(conn).await?;
    Ok(changed == 1)
}

/// The version of plan `plan_id`.
pub async fn plan_version(conn: &mut dyn Conn, plan_id: i64) -> Result<i64, StorageError> {
    Ok(run!(
        conn,
        fetch_one,
        sqlx::query_scalar("SELECT version FROM action_plans WHERE id = $1").bind(plan_id)
    )?)
}

/// The stored plan `key`: its id, its member's id and the plan.
pub async fn stored_plan(
    conn: &mut dyn Conn,
    key: &str,
) -> Result<Option<(i64, i64, ActionPlan)>, StorageError> {
    Ok(stored_plans(conn, &[key]).await?.remove(key))
}

/// The stored plans among `keys`, by key: each one's id, its member's id and the plan.
pub async fn stored_plans(
    conn: &mut dyn Conn,
    keys: &[&str],
) -> Result<HashMap<String, (i64, i64, ActionPlan)>, StorageError> {
    #[derive(sqlx::FromRow)]
    struct Found {
        #[sqlx(flatten)]
        plan: super::plans::PlanRow,
        member_id: i64,
    }
    let select = format!(
        "SELECT {}, p.member_id FROM action_plans p JOIN members m ON m.id = p.member_id",
        super::plans::PLAN_COLUMNS
    );
    let found: Vec<Found> = rows_where_in(conn, &select, "p.plan_key", keys).await?;
    Ok(found
        .into_iter()
        .map(|f| {
            let (id, member_id) = (f.plan.id, f.member_id);
            let plan: ActionPlan = f.plan.into();
            (plan.key.clone(), (id, member_id, plan))
        })
        .collect())
}

/// The stored member `code`: its id and the member.
pub async fn stored_member(
    conn: &mut dyn Conn,
    code: &str,
) -> Result<Option<(i64, Member)>, StorageError> {
    Ok(super::members::member_row_by_code(conn, code)
        .await?
        .map(|row| (row.id, row.into())))
}

/// A stored commitment found by its place in a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCommitment {
    pub code: String,
    pub code_derived: bool,
}

/// The commitment numbered `number` in plan `plan_id`, if one is stored. Some files number
/// several commitments alike, so a title tells them apart where one is given.
pub async fn commitment_in_plan(
    conn: &mut dyn Conn,
    plan_id: i64,
    number: &str,
    title: &str,
) -> Result<Option<StoredCommitment>, StorageError> {
    #[derive(sqlx::FromRow)]
    struct Numbered {
        code: String,
        code_derived: bool,
        title: String,
    }
    let rows: Vec<Numbered> = run!(
        conn,
        fetch_all,
        sqlx::query_as(
            "SELECT code, code_derived, title FROM commitments
             WHERE plan_id = $1 AND number = $2 ORDER BY id",
        )
        .bind(plan_id)
        .bind(number)
    )?;
    let found = match rows.iter().find(|row| row.title == title) {
        Some(row) => Some(row),
        None if rows.len() == 1 && !rows[0].code_derived => rows.first(),
        None => None,
    };
    Ok(found.map(|row| StoredCommitment {
        code: row.code.clone(),
        code_derived: row.code_derived,
    }))
}

/// The codes of plan `plan_id`'s commitments, in order.
pub async fn commitment_codes_of_plan(
    conn: &mut dyn Conn,
    plan_id: i64,
) -> Result<Vec<String>, StorageError> {
    Ok(run!(
        conn,
        fetch_all,
        sqlx::query_scalar("SELECT code FROM commitments WHERE plan_id = $1 ORDER BY code")
            .bind(plan_id)
    )?)
}

/// How many commitments plan `plan_id` holds.
pub async fn commitment_count(conn: &mut dyn Conn, plan_id: i64) -> Result<i64, StorageError> {
    Ok(run!(
        conn,
        fetch_one,
        sqlx::query_scalar("SELECT COUNT(*) FROM commitments WHERE plan_id = $1").bind(plan_id)
    )?)
}

/// The next free commitment ID for a member: its prefix and one more than the highest
/// number stored with that prefix.
pub async fn next_commitment_code(
    conn: &mut dyn Conn,
    prefix: &str,
) -> Result<String, StorageError> {
    let highest = highest_commitment_number(conn, prefix).await?;
    Ok(commitment_code(prefix, highest.saturating_add(1)))
}

/// The commitment ID of `number` under a member's `prefix`.
pub fn commitment_code(prefix: &str, number: u64) -> String {
    format!("{prefix}{number:04}")
}

/// The number of `code` under `prefix` when it is the prefix and a plain number (as
/// [`commitment_code`] makes them); an imported code may run on with other digits.
fn commitment_number(prefix: &str, code: &str) -> Option<u64> {
    code.strip_prefix(prefix)
        .filter(|number| number.len() <= 9 && number.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|number| number.parse::<u64>().ok())
}

/// The highest number of the commitment IDs stored with `prefix` (0 when there is none).
pub async fn highest_commitment_number(
    conn: &mut dyn Conn,
    prefix: &str,
) -> Result<u64, StorageError> {
    let pattern = format!("{prefix}%");
    let codes: Vec<String> = run!(
        conn,
        fetch_all,
        sqlx::query_scalar("SELECT code FROM commitments WHERE code LIKE $1").bind(&pattern)
    )?;
    Ok(codes
        .iter()
        .filter_map(|code| commitment_number(prefix, code))
        .max()
        .unwrap_or(0))
}

/// Which of `codes` are stored commitment IDs.
pub async fn stored_commitment_codes(
    conn: &mut dyn Conn,
    codes: &[&str],
) -> Result<std::collections::HashSet<String>, StorageError> {
    let rows: Vec<(String,)> =
        rows_where_in(conn, "SELECT code FROM commitments", "code", codes).await?;
    Ok(rows.into_iter().map(|(code,)| code).collect())
}

/// The columns a commitment's values are stored in, in the order [`bind_commitment_values`]
/// binds them: insert and update write the same list.
const COMMITMENT_VALUE_COLUMNS: [&str; 23] = [
    "code_derived",
    "number",
    "title",
    "short_title",
    "full_text",
    "theme",
    "start_date",
    "end_date",
    "lead_institution",
    "supporting_institutions",
    "carried_forward",
    "active",
    "cluster_ids",
    "source_url",
    "budget_amount",
    "budget_currency",
    "funding_source",
    "funded",
    "demo",
    "problem",
    "entered",
    "withdrawn_on",
    "withdrawal_reason",
];

/// Binds a commitment's values to `$query` with `$bind` (`bind` on a query, `push_bind` on
/// a row of a multi-row insert), in the order of [`COMMITMENT_VALUE_COLUMNS`].
macro_rules! bind_commitment_values {
    ($query:expr, $commitment:expr, $bind:ident) => {{
        let commitment: &Commitment = $commitment;
        let budget = commitment.budget.as_ref();
        $query
            .$bind(commitment.code_derived)
            .$bind(&commitment.number)
            .$bind(&commitment.title)
            .$bind(&commitment.short_title)
            .$bind(&commitment.full_text)
            .$bind(&commitment.theme)
            .$bind(commitment.start_date)
            .$bind(commitment.end_date)
            .$bind(&commitment.lead_institution)
            .$bind(&commitment.supporting_institutions)
            .$bind(commitment.carried_forward)
            .$bind(commitment.active)
            .$bind(&commitment.cluster_ids)
            .$bind(&commitment.source_url)
            .$bind(budget.and_then(|b| b.amount))
            .$bind(budget.and_then(|b| b.currency.clone()))
            .$bind(budget.and_then(|b| b.funding_source.clone()))
            .$bind(budget.and_then(|b| b.funded))
            .$bind(commitment.demo)
            .$bind(&commitment.problem)
            .$bind(commitment.entered)
            .$bind(commitment.withdrawal.as_ref().map(|w| w.on))
            .$bind(commitment.withdrawal.as_ref().map(|w| w.reason.clone()))
    }};
}

/// A commitment to insert, with what it owns.
pub struct NewCommitment<'a> {
    pub commitment: &'a Commitment,
    pub plan_id: i64,
    /// The values as the file had them, where they could not be read.
    pub raw_values: &'a [RawValue],
    /// How many indicators its published assessments disagree on
    /// ([`crate::domain::disagreements`]), when they are written with it.
    pub disagreements: usize,
}

pub async fn insert_commitment(
    conn: &mut dyn Conn,
    commitment: &Commitment,
    plan_id: i64,
    raw_values: &[RawValue],
) -> Result<i64, StorageError> {
    let new = NewCommitment {
        commitment,
        plan_id,
        raw_values,
        disagreements: 0,
    };
    let ids = insert_commitments(conn, std::slice::from_ref(&new)).await?;
    Ok(ids[0])
}

/// Inserts `commitments` and what each owns in multi-row statements (an import's thousands
/// of commitments are a few dozen statements, not several per commitment); answers their
/// ids in the same order.
pub async fn insert_commitments(
    conn: &mut dyn Conn,
    commitments: &[NewCommitment<'_>],
) -> Result<Vec<i64>, StorageError> {
    let head = format!(
        "INSERT INTO commitments (code, plan_id, disagreements, {}) ",
        COMMITMENT_VALUE_COLUMNS.join(", ")
    );
    let ids = insert_returning_ids!(
        conn,
        &head,
        commitments,
        "code",
        "commitment",
        |row, new| {
            let disagreements = i64::try_from(new.disagreements).unwrap_or(i64::MAX);
            row.push_bind(&new.commitment.code)
                .push_bind(new.plan_id)
                .push_bind(disagreements);
            bind_commitment_values!(row, new.commitment, push_bind)
        },
        |new| new.commitment.code.as_str()
    );
    let owners: Vec<(i64, &Commitment)> = ids
        .iter()
        .zip(commitments)
        .map(|(id, new)| (*id, new.commitment))
        .collect();
    write_values_and_areas(conn, &owners).await?;
    let raw: Vec<(i64, &[RawValue])> = ids
        .iter()
        .zip(commitments)
        .map(|(id, new)| (*id, new.raw_values))
        .collect();
    write_raw_values(conn, &raw).await?;
    super::index_commitments(conn, &ids).await?;
    Ok(ids)
}

/// Replaces a commitment's stored values and code (its plan stays) and raises its version;
/// with `expected_version`, only when the commitment is still at it. Answers whether it
/// was saved.
pub async fn update_commitment(
    conn: &mut dyn Conn,
    commitment_id: i64,
    commitment: &Commitment,
    raw_values: &[RawValue],
    expected_version: Option<i64>,
) -> Result<bool, StorageError> {
    let set: Vec<String> = COMMITMENT_VALUE_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, column)| format!("{column} = ${}", i + 1))
        .collect();
    let n = COMMITMENT_VALUE_COLUMNS.len();
    let sql = format!(
        "UPDATE commitments SET {}, code = ${}, version = version + 1
         WHERE id = ${} AND (${} IS NULL OR version = ${})",
        set.join(", "),
        n + 1,
        n + 2,
        n + 3,
        n + 3
    );
    let changed = execute!(
        conn,
        bind_commitment_values!(sqlx::query(&sql), commitment, bind)
            .bind(&commitment.code)
            .bind(commitment_id)
            .bind(expected_version)
    )?;
    if changed != 1 {
        return Ok(false);
    }
    replace_owned(conn, commitment_id, commitment, raw_values).await?;
    super::index_commitments(conn, &[commitment_id]).await?;
    Ok(true)
}

/// Replaces what a commitment owns (its OGP values, policy areas and values as the file
/// had them) with `commitment`'s.
async fn replace_owned(
    conn: &mut dyn Conn,
    commitment_id: i64,
    commitment: &Commitment,
    raw_values: &[RawValue],
) -> Result<(), StorageError> {
    let owned = ["commitment_values", "commitment_policy_areas", "raw_values"];
    delete_owned(conn, &owned, "commitment_id", commitment_id).await?;
    write_values_and_areas(conn, &[(commitment_id, commitment)]).await?;
    write_raw_values(conn, &[(commitment_id, raw_values)]).await
}

/// Writes the OGP values and policy areas of each (id, commitment), none of them stored yet.
async fn write_values_and_areas(
    conn: &mut dyn Conn,
    commitments: &[(i64, &Commitment)],
) -> Result<(), StorageError> {
    let values: Vec<(i64, OgpValue)> = commitments
        .iter()
        .flat_map(|(id, commitment)| commitment.values.iter().map(move |value| (*id, *value)))
        .collect();
    insert_rows!(
        conn,
        "INSERT INTO commitment_values (commitment_id, value) ",
        values,
        " ON CONFLICT DO NOTHING",
        |row, value| row.push_bind(value.0).push_bind(value.1)
    );
    // A policy area is stored once per slug, under the first name given for it (here, and
    // before: a name stored earlier stays).
    let mut names: HashMap<String, &String> = HashMap::new();
    let mut links: Vec<(i64, String)> = Vec::new();
    for (id, commitment) in commitments {
        let first = links.len();
        for area in &commitment.policy_areas {
            let slug = crate::domain::slugify(area);
            names.entry(slug.clone()).or_insert(area);
            if !links[first..].iter().any(|(_, known)| *known == slug) {
                links.push((*id, slug));
            }
        }
    }
    if links.is_empty() {
        return Ok(());
    }
    let mut areas: Vec<(&String, &String)> =
        names.iter().map(|(slug, name)| (slug, *name)).collect();
    areas.sort();
    insert_rows!(
        conn,
        "INSERT INTO policy_areas (slug, name) ",
        areas,
        " ON CONFLICT (slug) DO NOTHING",
        |row, area| row.push_bind(area.0).push_bind(area.1)
    );
    let slugs: Vec<&str> = areas.iter().map(|(slug, _)| slug.as_str()).collect();
    let found: Vec<(i64, String)> =
        rows_where_in(conn, "SELECT id, slug FROM policy_areas", "slug", &slugs).await?;
    let area_ids: HashMap<String, i64> = found.into_iter().map(|(id, slug)| (slug, id)).collect();
    let rows: Vec<(i64, i64)> = links
        .iter()
        .filter_map(|(id, slug)| area_ids.get(slug).map(|area| (*id, *area)))
        .collect();
    insert_rows!(
        conn,
        "INSERT INTO commitment_policy_areas (commitment_id, policy_area_id) ",
        rows,
        " ON CONFLICT DO NOTHING",
        |row, link| row.push_bind(link.0).push_bind(link.1)
    );
    Ok(())
}

/// Writes the values as the file had them of each (id, values), none of them stored yet.
async fn write_raw_values(
    conn: &mut dyn Conn,
    commitments: &[(i64, &[RawValue])],
) -> Result<(), StorageError> {
    // A field given twice keeps its last value, as the upsert of each in turn did; the
    // insert below would refuse the repeat.
    let mut rows: Vec<(i64, &RawValue)> = Vec::new();
    for (id, raw_values) in commitments {
        let first = rows.len();
        for raw in *raw_values {
            match rows[first..]
                .iter_mut()
                .find(|(_, known)| known.field == raw.field)
            {
                Some(known) => known.1 = raw,
                None => rows.push((*id, raw)),
            }
        }
    }
    insert_rows!(
        conn,
        "INSERT INTO raw_values (commitment_id, field, raw) ",
        rows,
        "",
        |row, raw| row
            .push_bind(raw.0)
            .push_bind(&raw.1.field)
            .push_bind(&raw.1.raw)
    );
    Ok(())
}

/// A milestone to insert.
#[derive(Clone, Debug)]
pub struct NewMilestone {
    pub position: i64,
    pub title: String,
    pub description: Option<String>,
    pub responsible_institution: Option<String>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub status: MilestoneStatus,
    pub progress: i64,
    pub weight: f64,
}

pub async fn insert_milestone(
    conn: &mut dyn Conn,
    commitment_id: i64,
    milestone: &NewMilestone,
) -> Result<i64, StorageError> {
    let id: i64 = run!(
        conn,
        fetch_one,
        sqlx::query_scalar(
            "INSERT INTO milestones (commitment_id, position, title, description,
                responsible_institution, planned_start, planned_end, completed_on, status,
                progress, weight)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(commitment_id)
        .bind(milestone.position)
        .bind(&milestone.title)
        .bind(&milestone.description)
        .bind(&milestone.responsible_institution)
        .bind(milestone.planned_start)
        .bind(milestone.planned_end)
        .bind(milestone.completed_on)
        .bind(milestone.status)
        .bind(milestone.progress)
        .bind(milestone.weight)
    )?;
    super::index_commitments(conn, &[commitment_id]).await?;
    Ok(id)
}

/// A progress update to append.
#[derive(Clone, Debug)]
pub struct NewProgressUpdate {
    /// Shown publicly: a role and an institution (its member is not stored), never an
    /// e-mail address.
    pub author: PublicActor,
    /// The account that wrote it, when written through the site.
    pub author_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub status: MilestoneStatus,
    pub progress: i64,
    pub narrative: String,
    pub evidence: Vec<EvidenceLink>,
    pub files: Vec<NewEvidenceFile>,
    /// The earlier update of the same milestone this one corrects.
    pub corrects: Option<i64>,
}

/// A file to keep as evidence, checked.
#[derive(Clone, Debug)]
pub struct NewEvidenceFile {
    pub name: String,
    pub media_type: String,
    pub sha256: String,
    pub content: Vec<u8>,
}

pub async fn insert_progress_update(
    conn: &mut dyn Conn,
    milestone_id: i64,
    update: &NewProgressUpdate,
) -> Result<i64, StorageError> {
    let id: i64 = run!(
        conn,
        fetch_one,
        sqlx::query_scalar(
            "INSERT INTO progress_updates (milestone_id, author_role, author_institution,
                created_at, status, progress, narrative, author_id, corrects_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(milestone_id)
        .bind(update.author.role)
        .bind(&update.author.institution)
        .bind(update.created_at)
        .bind(update.status)
        .bind(update.progress)
        .bind(&update.narrative)
        .bind(update.author_id)
        .bind(update.corrects)
    )?;
    for file in &update.files {
        execute!(
            conn,
            sqlx::query(
                "INSERT INTO evidence_files (update_id, file_name, media_type, size_bytes, sha256,
                    content)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(&file.name)
            .bind(&file.media_type)
            .bind(file.content.len() as i64)
            .bind(&file.sha256)
            .bind(&file.content)
        )?;
    }
    for link in &update.evidence {
        execute!(
            conn,
            sqlx::query("INSERT INTO evidence_links (update_id, url, title) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(&link.url)
                .bind(&link.title)
        )?;
    }
    let commitment_id: i64 = run!(
        conn,
        fetch_one,
        sqlx::query_scalar("SELECT commitment_id FROM milestones WHERE id = $1").bind(milestone_id)
    )?;
    super::index_update(conn, commitment_id, &update.narrative).await?;
    Ok(id)
}

/// Whether the database holds no member yet (first start).
pub async fn is_empty(conn: &mut dyn Conn) -> Result<bool, StorageError> {
    let any: Option<i64> = run!(
        conn,
        fetch_optional,
        sqlx::query_scalar("SELECT id FROM members LIMIT 1")
    )?;
    Ok(any.is_none())
}

/// The commitment-ID prefix stored for a member.
pub async fn member_prefix(conn: &mut dyn Conn, member_id: i64) -> Result<String, StorageError> {
    let prefix: String = run!(
        conn,
        fetch_one,
        sqlx::query_scalar("SELECT commitment_prefix FROM members WHERE id = $1").bind(member_id)
    )?;
    Ok(prefix)
}

/// Whether the database holds demo data only: no member that was imported and no account
/// made for a person. Demo accounts, whose passwords are published, are made only then.
pub async fn holds_only_demo_data(conn: &mut dyn Conn) -> Result<bool, StorageError> {
    let real: Option<i64> = run!(
        conn,
        fetch_optional,
        sqlx::query_scalar(
            "SELECT id FROM members WHERE NOT demo
             UNION ALL SELECT id FROM users WHERE NOT demo
             LIMIT 1"
        )
    )?;
    Ok(real.is_none())
}

/// A grant on a demo member, held by its member's code while demo data is regenerated.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct GrantOnDemoMember {
    pub user_id: i64,
    pub role: crate::domain::Role,
    pub member_code: String,
    pub institution: Option<String>,
    pub granted_by: Option<i64>,
    pub granted_at: DateTime<Utc>,
}

/// The grants [`delete_demo_data`] removes with their members, to be given back on the
/// regenerated members of the same codes: a grant stays exactly as an admin left it.
pub async fn grants_on_demo_members(
    conn: &mut dyn Conn,
) -> Result<Vec<GrantOnDemoMember>, StorageError> {
    Ok(run!(
        conn,
        fetch_all,
        sqlx::query_as(
            "SELECT g.user_id, g.role, m.code AS member_code, g.institution, g.granted_by,
                    g.granted_at
             FROM role_grants g JOIN members m ON m.id = g.member_id
             WHERE m.demo ORDER BY g.id"
        )
    )?)
}

/// Removes all demo data and its history, so the generator can replace it.
pub async fn delete_demo_data(conn: &mut dyn Conn) -> Result<(), StorageError> {
    super::facts_changed_everywhere(conn).await?;
    const DEMO_COMMITMENTS: &str = "SELECT id FROM commitments WHERE demo";
    const DEMO_MILESTONES: &str =
        "SELECT id FROM milestones WHERE commitment_id IN (SELECT id FROM commitments WHERE demo)";
    let statements = [
        // Grants on demo members go with them (see `grants_on_demo_members`).
        "DELETE FROM role_grants WHERE member_id IN (SELECT id FROM members WHERE demo)".to_string(),
        format!("DELETE FROM change_entries WHERE commitment_id IN ({DEMO_COMMITMENTS})"),
        "DELETE FROM change_entries WHERE (record = 'member'
            AND record_id IN (SELECT id FROM members WHERE demo))
            OR (record = 'plan' AND record_id IN (SELECT p.id FROM action_plans p
                JOIN members m ON m.id = p.member_id WHERE m.demo))"
            .to_string(),
        "DELETE FROM changes WHERE NOT EXISTS
            (SELECT 1 FROM change_entries e WHERE e.change_id = changes.id)"
            .to_string(),
        format!("DELETE FROM evidence_links WHERE update_id IN (SELECT id FROM progress_updates WHERE milestone_id IN ({DEMO_MILESTONES}))"),
        format!("DELETE FROM progress_updates WHERE milestone_id IN ({DEMO_MILESTONES})"),
        format!("DELETE FROM milestones WHERE commitment_id IN ({DEMO_COMMITMENTS})"),
        format!("DELETE FROM assessment_evidence WHERE assessment_id IN (SELECT id FROM assessments WHERE commitment_id IN ({DEMO_COMMITMENTS}))"),
        format!("DELETE FROM assessment_scores WHERE assessment_id IN (SELECT id FROM assessments WHERE commitment_id IN ({DEMO_COMMITMENTS}))"),
        format!("DELETE FROM assessments WHERE commitment_id IN ({DEMO_COMMITMENTS})"),
        "DELETE FROM commitments WHERE demo".to_string(),
        "DELETE FROM action_plans WHERE member_id IN (SELECT id FROM members WHERE demo)".to_string(),
        "DELETE FROM members WHERE demo".to_string(),
    ];
    super::unindex_where(conn, "c.demo").await?;
    for statement in statements {
        execute!(conn, sqlx::query(&statement))?;
    }
    Ok(())
}
