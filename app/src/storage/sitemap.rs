//! The records the sitemap lists, by section, in a stable order.

use super::{Conn, StorageError};
use crate::domain::{SitemapSection, SITEMAP_PAGES};

/// How many members, plans and commitments there are: how many records each section lists.
pub async fn sitemap_counts(conn: &mut dyn Conn) -> Result<[i64; 3], StorageError> {
    let (members, plans, commitments): (i64, i64, i64) = run!(
        conn,
        fetch_one,
        sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM members), (SELECT COUNT(*) FROM action_plans),
                (SELECT COUNT(*) FROM commitments)"
        )
    )?;
    Ok([members, plans, commitments])
}

/// The keys (slug, plan key, commitment code) of the section's file number `chunk`, in the
/// order of their keys; empty past the last.
pub async fn sitemap_keys(
    conn: &mut dyn Conn,
    section: SitemapSection,
    chunk: i64,
) -> Result<Vec<String>, StorageError> {
    let (column, table) = match section {
        SitemapSection::Members => ("slug", "members"),
        SitemapSection::Plans => ("plan_key", "action_plans"),
        SitemapSection::Commitments => ("code", "commitments"),
    };
    // Written in, not bound, like every limit here (see `recent_updates`); both are
    // numbers this module made.
    let offset = chunk.max(0).saturating_mul(SITEMAP_PAGES);
    let sql = format!(
        "SELECT {column} FROM {table} ORDER BY {column} LIMIT {SITEMAP_PAGES} OFFSET {offset}"
    );
    Ok(run!(conn, fetch_all, sqlx::query_scalar(&sql))?)
}
