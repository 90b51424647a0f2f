//! Reading members.

use super::{corrupt, Db, StorageError};
use crate::domain::{Member, MemberKind, MemberSummary, Region};

pub(crate) type MemberRow = (String, String, String, String, Option<String>, String, i64);

pub(crate) const MEMBER_COLUMNS: &str =
    "m.code, m.name, m.slug, m.kind, m.region, m.commitment_prefix, m.demo";

pub(crate) fn member_from_row(row: MemberRow) -> Result<Member, StorageError> {
    let (code, name, slug, kind, region, commitment_prefix, demo) = row;
    Ok(Member {
        kind: MemberKind::from_machine(&kind).ok_or_else(|| corrupt("member kind", &kind))?,
        region: match region {
            Some(r) => Some(Region::from_machine(&r).ok_or_else(|| corrupt("region", &r))?),
            None => None,
        },
        code,
        name,
        slug,
        commitment_prefix,
        demo: demo != 0,
    })
}

/// Reads the member whose `MEMBER_COLUMNS` start at column `start` of a joined row.
pub(crate) fn member_at(row: &sqlx::any::AnyRow, start: usize) -> Result<Member, StorageError> {
    use sqlx::Row;
    member_from_row((
        row.try_get(start)?,
        row.try_get(start + 1)?,
        row.try_get(start + 2)?,
        row.try_get(start + 3)?,
        row.try_get(start + 4)?,
        row.try_get(start + 5)?,
        row.try_get(start + 6)?,
    ))
}

/// Filters of the members list.
#[derive(Clone, Debug, Default)]
pub struct MemberFilter {
    pub region: Option<Region>,
    pub kind: Option<MemberKind>,
}

/// One page of members matching `filter`, by name, and the number of matches.
pub async fn list_members(
    db: &Db,
    filter: &MemberFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<MemberSummary>, i64), StorageError> {
    let region = filter.region.map(|r| r.as_str().to_string());
    let kind = filter.kind.map(|k| k.as_str().to_string());
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
    let rows: Vec<(
        String,
        String,
        String,
        String,
        Option<String>,
        String,
        i64,
        i64,
        i64,
    )> = sqlx::query_as(&sql)
        .bind(&region)
        .bind(&kind)
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    let (total,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM members m WHERE ($1 IS NULL OR m.region = $1) AND ($2 IS NULL OR m.kind = $2)",
    )
    .bind(&region)
    .bind(&kind)
    .fetch_one(&db.pool)
    .await?;
    let members = rows
        .into_iter()
        .map(
            |(code, name, slug, kind, region, prefix, demo, plans, commitments)| {
                Ok(MemberSummary {
                    member: member_from_row((code, name, slug, kind, region, prefix, demo))?,
                    plans,
                    commitments,
                })
            },
        )
        .collect::<Result<_, StorageError>>()?;
    Ok((members, total))
}

pub async fn member_by_slug(db: &Db, slug: &str) -> Result<Option<Member>, StorageError> {
    let row: Option<MemberRow> = sqlx::query_as(&format!(
        "SELECT {MEMBER_COLUMNS} FROM members m WHERE m.slug = $1"
    ))
    .bind(slug)
    .fetch_optional(&db.pool)
    .await?;
    row.map(member_from_row).transpose()
}

pub async fn member_by_code(db: &Db, code: &str) -> Result<Option<Member>, StorageError> {
    let row: Option<MemberRow> = sqlx::query_as(&format!(
        "SELECT {MEMBER_COLUMNS} FROM members m WHERE m.code = $1"
    ))
    .bind(code)
    .fetch_optional(&db.pool)
    .await?;
    row.map(member_from_row).transpose()
}
