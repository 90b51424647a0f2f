//! Reading a commitment with everything its page shows.

use super::assessments::assessments_of;
use super::members::{MemberRow, MEMBER_COLUMNS};
use super::milestones::milestones_of;
use super::plans::{PlanRow, PLAN_COLUMNS};
use super::{corrupt, Conn, StorageError};
use crate::domain::{Budget, Commitment, CommitmentDetail, OgpValue, RawValue, Withdrawal};
use chrono::NaiveDate;

/// A commitment as stored, with its plan's key (its values and policy areas have tables
/// of their own).
#[derive(sqlx::FromRow)]
pub(crate) struct CommitmentRow {
    pub id: i64,
    pub plan_id: i64,
    pub plan_key: String,
    pub code: String,
    pub code_derived: bool,
    pub number: String,
    pub title: String,
    pub short_title: Option<String>,
    pub full_text: Option<String>,
    pub theme: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub lead_institution: Option<String>,
    pub supporting_institutions: Option<String>,
    pub carried_forward: Option<bool>,
    pub active: Option<bool>,
    pub cluster_ids: Option<String>,
    pub source_url: Option<String>,
    pub budget_amount: Option<f64>,
    pub budget_currency: Option<String>,
    pub funding_source: Option<String>,
    pub funded: Option<bool>,
    pub demo: bool,
    pub problem: Option<String>,
    pub entered: bool,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawal_reason: Option<String>,
    pub version: i64,
}

const COMMITMENT_COLUMNS: &str = "c.id, c.plan_id, p.plan_key, c.code, c.code_derived, \
     c.number, c.title, c.short_title, c.full_text, c.theme, c.start_date, c.end_date, \
     c.lead_institution, c.supporting_institutions, c.carried_forward, c.active, c.cluster_ids, \
     c.source_url, c.budget_amount, c.budget_currency, c.funding_source, c.funded, c.demo, \
     c.problem, c.entered, c.withdrawn_on, c.withdrawal_reason, c.version";

impl CommitmentRow {
    /// The domain commitment, given its values and policy areas.
    pub(crate) fn into_commitment(
        self,
        values: Vec<OgpValue>,
        policy_areas: Vec<String>,
    ) -> Commitment {
        let budget = (self.budget_amount.is_some()
            || self.budget_currency.is_some()
            || self.funding_source.is_some()
            || self.funded.is_some())
        .then_some(Budget {
            amount: self.budget_amount,
            currency: self.budget_currency,
            funding_source: self.funding_source,
            funded: self.funded,
        });
        Commitment {
            code: self.code,
            code_derived: self.code_derived,
            plan_key: self.plan_key,
            number: self.number,
            title: self.title,
            short_title: self.short_title,
            full_text: self.full_text,
            theme: self.theme,
            start_date: self.start_date,
            end_date: self.end_date,
            lead_institution: self.lead_institution,
            supporting_institutions: self.supporting_institutions,
            values,
            policy_areas,
            carried_forward: self.carried_forward,
            active: self.active,
            cluster_ids: self.cluster_ids,
            source_url: self.source_url,
            budget,
            demo: self.demo,
            problem: self.problem,
            entered: self.entered,
            withdrawal: self
                .withdrawn_on
                .zip(self.withdrawal_reason)
                .map(|(on, reason)| Withdrawal { on, reason }),
        }
    }
}

pub(crate) async fn commitment_row(
    conn: &mut dyn Conn,
    code: &str,
) -> Result<Option<CommitmentRow>, StorageError> {
    let sql = format!(
        "SELECT {COMMITMENT_COLUMNS} FROM commitments c
         JOIN action_plans p ON p.id = c.plan_id WHERE c.code = $1"
    );
    Ok(run!(conn, fetch_optional, sqlx::query_as(&sql).bind(code))?)
}

/// What a commitment holds in tables of its own: its OGP values and policy areas, each
/// sorted, and the original text kept for its fields (the values that could not be read),
/// by field.
pub(crate) struct CommitmentLists {
    pub values: Vec<OgpValue>,
    pub policy_areas: Vec<String>,
    pub raw_values: Vec<RawValue>,
}

/// A commitment's [`CommitmentLists`], read in one statement: three were three round trips
/// on every commitment page, a sixth of its statements (PostgreSQL spends most of a
/// statement's cost on the statement, not on its few rows).
pub(crate) async fn commitment_lists(
    conn: &mut dyn Conn,
    commitment_id: i64,
) -> Result<CommitmentLists, StorageError> {
    #[derive(sqlx::FromRow)]
    struct ListRow {
        list: String,
        item: String,
        raw: Option<String>,
    }
    let rows: Vec<ListRow> = run!(
        conn,
        fetch_all,
        sqlx::query_as(
            "SELECT 'value' AS list, value AS item, NULL AS raw
             FROM commitment_values WHERE commitment_id = $1
             UNION ALL
             SELECT 'area', pa.name, NULL FROM policy_areas pa
             JOIN commitment_policy_areas cpa ON cpa.policy_area_id = pa.id
             WHERE cpa.commitment_id = $1
             UNION ALL
             SELECT 'raw', field, raw FROM raw_values WHERE commitment_id = $1
             ORDER BY 1, 2",
        )
        .bind(commitment_id)
    )?;
    let mut lists = CommitmentLists {
        values: Vec::new(),
        policy_areas: Vec::new(),
        raw_values: Vec::new(),
    };
    for row in rows {
        match (row.list.as_str(), row.raw) {
            ("value", _) => lists.values.push(
                OgpValue::from_machine(&row.item).ok_or_else(|| corrupt("OGP value", &row.item))?,
            ),
            ("area", _) => lists.policy_areas.push(row.item),
            ("raw", Some(raw)) => lists.raw_values.push(RawValue {
                field: row.item,
                raw,
            }),
            (list, _) => return Err(corrupt("commitment list row", list)),
        }
    }
    // Values and areas keep the database's order, as the pages always showed them; file
    // values are compared with a file's, so they are sorted by bytes, whatever the
    // database's collation.
    lists.raw_values.sort_by(|a, b| a.field.cmp(&b.field));
    Ok(lists)
}

/// A commitment as stored, with what a write needs beside it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredCommitmentRecord {
    pub id: i64,
    pub plan_id: i64,
    pub version: i64,
    pub commitment: Commitment,
    /// The original text kept for the fields that could not be read, by field.
    pub raw_values: Vec<RawValue>,
}

/// The stored commitment `code` with its id, its plan's id and its version.
pub async fn stored_commitment(
    conn: &mut dyn Conn,
    code: &str,
) -> Result<Option<StoredCommitmentRecord>, StorageError> {
    let Some(row) = commitment_row(conn, code).await? else {
        return Ok(None);
    };
    let lists = commitment_lists(conn, row.id).await?;
    let (id, plan_id, version) = (row.id, row.plan_id, row.version);
    Ok(Some(StoredCommitmentRecord {
        id,
        plan_id,
        version,
        commitment: row.into_commitment(lists.values, lists.policy_areas),
        raw_values: lists.raw_values,
    }))
}

#[derive(sqlx::FromRow)]
struct PlanWithMember {
    #[sqlx(flatten)]
    plan: PlanRow,
    #[sqlx(flatten)]
    member: MemberRow,
}

/// The commitment `code` with its plan, member, milestones, assessments and raw values,
/// in a fixed number of queries.
pub async fn commitment_detail(
    conn: &mut dyn Conn,
    code: &str,
) -> Result<Option<CommitmentDetail>, StorageError> {
    let Some(row) = commitment_row(conn, code).await? else {
        return Ok(None);
    };
    let sql = format!(
        "SELECT {PLAN_COLUMNS}, {MEMBER_COLUMNS}
         FROM action_plans p JOIN members m ON m.id = p.member_id WHERE p.id = $1"
    );
    let found: PlanWithMember = run!(conn, fetch_one, sqlx::query_as(&sql).bind(row.plan_id))?;
    let id = row.id;
    let lists = commitment_lists(conn, id).await?;
    let plan: crate::domain::ActionPlan = found.plan.into();
    let version = row.version;
    Ok(Some(CommitmentDetail {
        version,
        as_of: super::now().date_naive(),
        commitment: row.into_commitment(lists.values, lists.policy_areas),
        plan,
        member: found.member.into(),
        milestones: milestones_of(conn, id).await?,
        assessments: assessments_of(conn, id).await?,
        raw_values: lists.raw_values,
    }))
}
