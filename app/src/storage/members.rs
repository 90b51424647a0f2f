//! Reading members.

use super::{Conn, StorageError};
use crate::domain::{Member, MemberKind, MemberSummary, Region};

/// A member as stored; joined queries select its columns under these names.
#[derive(sqlx::FromRow)]
pub(crate) struct MemberRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub slug: String,
    pub kind: MemberKind,
    pub region: Option<Region>,
    pub commitment_prefix: String,
    pub demo: bool,
}

/// The member columns of `m`, named as [`MemberRow`] reads them, for joined queries.
pub(crate) const MEMBER_COLUMNS: &str = "m.id, m.code, m.name, m.slug, m.kind, m.region, \
     m.commitment_prefix, m.demo";

impl From<MemberRow> for Member {
    fn from(row: MemberRow) -> Member {
        Member {
            code: row.code,
            name: row.name,
            slug: row.slug,
            kind: row.kind,
            region: row.region,
            commitment_prefix: row.commitment_prefix,
            demo: row.demo,
        }
    }
}

#[derive(sqlx::FromRow)]
struct MemberSummaryRow {
    #[sqlx(flatten)]
    member: MemberRow,
    plans: i64,
    commitments: i64,
}

/// Filters of the members list.
#[derive(Clone, Debug, Default)]
pub struct MemberFilter {
    pub region: Option<Region>,
    pub kind: Option<MemberKind>,
}

/// One page of members matching `filter`, by name, and the number of matches.
pub async fn list_members(
    conn: &mut dyn Conn,
    filter: &MemberFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<MemberSummary>, i64), StorageError> {
    let sql = format!(
        "SELECT {MEMBER_COLUMNS},
            (SELECT COUNT(*) FROM action_plans p WHERE p.member_id = m.id) AS plans,
            (SELECT COUNT(*) FROM commitments c JOIN action_plans p ON p.id = c.plan_id
              WHERE p.member_id = m.id) AS commitments
         FROM members m
         WHERE ($1 IS NULL OR m.region = $1) AND ($2 IS NULL OR m.kind = $2)
         ORDER BY m.name, m.code
         LIMIT $3 OFFSET $4"
    );
    let rows: Vec<MemberSummaryRow> = run!(
        conn,
        fetch_all,
        sqlx::query_as(&sql)
            .bind(filter.region)
            .bind(filter.kind)
            .bind(limit)
            .bind(offset)
    )?;
    let total: i64 = run!(
        conn,
        fetch_one,
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM members m
             WHERE ($1 IS NULL OR m.region = $1) AND ($2 IS NULL OR m.kind = $2)",
        )
        .bind(filter.region)
        .bind(filter.kind)
    )?;
    let members = rows
        .into_iter()
        .map(|row| MemberSummary {
            member: row.member.into(),
            plans: row.plans,
            commitments: row.commitments,
        })
        .collect();
    Ok((members, total))
}

async fn member_where(
    conn: &mut dyn Conn,
    condition: &str,
    value: &str,
) -> Result<Option<MemberRow>, StorageError> {
    let sql = format!("SELECT {MEMBER_COLUMNS} FROM members m WHERE {condition}");
    Ok(run!(
        conn,
        fetch_optional,
        sqlx::query_as(&sql).bind(value)
    )?)
}

pub async fn member_by_slug(
    conn: &mut dyn Conn,
    slug: &str,
) -> Result<Option<Member>, StorageError> {
    Ok(member_where(conn, "m.slug = $1", slug)
        .await?
        .map(Member::from))
}

pub async fn member_by_code(
    conn: &mut dyn Conn,
    code: &str,
) -> Result<Option<Member>, StorageError> {
    Ok(member_where(conn, "m.code = $1", code)
        .await?
        .map(Member::from))
}

/// The member `code` as an edit sees it, read at once: its id, fields and version.
pub async fn member_for_edit(
    conn: &mut dyn Conn,
    code: &str,
) -> Result<Option<(i64, Member, i64)>, StorageError> {
    #[derive(sqlx::FromRow)]
    struct Editing {
        #[sqlx(flatten)]
        member: MemberRow,
        member_version: i64,
    }
    let sql = format!(
        "SELECT {MEMBER_COLUMNS}, m.version AS member_version FROM members m WHERE m.code = $1"
    );
    let row: Option<Editing> = run!(conn, fetch_optional, sqlx::query_as(&sql).bind(code))?;
    Ok(row.map(|r| (r.member.id, r.member.into(), r.member_version)))
}

/// The stored member with this code, with its id, for writes that compare before changing.
pub(crate) async fn member_row_by_code(
    conn: &mut dyn Conn,
    code: &str,
) -> Result<Option<MemberRow>, StorageError> {
    member_where(conn, "m.code = $1", code).await
}
