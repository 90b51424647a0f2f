//! Which commitments each write changed (migration 0022), so that an app server works out
//! again only their facts (`facts::FactTable`) rather than every commitment's. A write
//! declares them in its transaction; `Tx::commit` numbers them in commit order; a commit
//! that declared nothing is read as "anything may have changed". So a write that forgets
//! to declare costs a full working-out, never stale figures.

use super::{Conn, StorageError};

/// More commitments than this in one write (an import) are declared as "anything".
const MOST_DECLARED: usize = 500;

/// Declared changes kept for readers behind by this many writes; further behind, a
/// reader works every commitment out again.
const KEPT_WRITES: i64 = 5_000;

/// Declares, in the write's transaction, that the facts of commitments `ids` change.
pub(super) async fn facts_changed(conn: &mut dyn Conn, ids: &[i64]) -> Result<(), StorageError> {
    if ids.len() > MOST_DECLARED {
        return facts_changed_everywhere(conn).await;
    }
    insert_rows!(
        conn,
        "INSERT INTO fact_changes (commitment_id) ",
        ids,
        "",
        |row, id| row.push_bind(*id)
    );
    Ok(())
}

/// Declares that the facts of the commitment holding milestone `milestone_id` change.
pub(super) async fn milestone_facts_changed(
    conn: &mut dyn Conn,
    milestone_id: i64,
) -> Result<(), StorageError> {
    execute!(
        conn,
        sqlx::query(
            "INSERT INTO fact_changes (commitment_id)
             SELECT commitment_id FROM milestones WHERE id = $1"
        )
        .bind(milestone_id)
    )?;
    Ok(())
}

/// Declares that the facts of any commitment may change (a member's region, a plan's
/// years, data removed).
pub(super) async fn facts_changed_everywhere(conn: &mut dyn Conn) -> Result<(), StorageError> {
    execute!(
        conn,
        sqlx::query("INSERT INTO fact_changes (commitment_id) VALUES (NULL)")
    )?;
    Ok(())
}

/// Numbers the changes the committing write declared, after its `UPDATE` of the site's
/// version has taken that row (so numbers follow the order writes commit in); without any,
/// records that anything may have changed. Forgets those no reader needs any more.
pub(super) async fn number_declared(conn: &mut dyn Conn) -> Result<(), StorageError> {
    let declared = execute!(
        conn,
        sqlx::query(
            "UPDATE fact_changes SET seq = (SELECT change_seq FROM site_version WHERE id = 1),
                version = (SELECT version FROM site_version WHERE id = 1),
                previous_version = (SELECT previous_version FROM site_version WHERE id = 1)
             WHERE seq IS NULL"
        )
    )?;
    if declared == 0 {
        execute!(
            conn,
            sqlx::query(
                "INSERT INTO fact_changes (seq, version, previous_version, commitment_id)
                 SELECT change_seq, version, previous_version, NULL FROM site_version WHERE id = 1"
            )
        )?;
    }
    execute!(
        conn,
        sqlx::query(
            "DELETE FROM fact_changes
             WHERE seq < (SELECT change_seq FROM site_version WHERE id = 1) - $1"
        )
        .bind(KEPT_WRITES)
    )?;
    Ok(())
}

/// The site's version and how many writes were numbered, read together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Mark {
    pub version: i64,
    pub seq: i64,
}

pub(super) async fn mark(conn: &mut dyn Conn) -> Result<Mark, StorageError> {
    let (version, seq): (i64, i64) = run!(
        conn,
        fetch_one,
        sqlx::query_as("SELECT version, change_seq FROM site_version WHERE id = 1")
    )?;
    Ok(Mark { version, seq })
}

/// The commitments whose facts changed between `from` and `to`; `None` when that cannot be
/// told (a write that declared anything, changes no longer kept, a database restored from
/// a backup, too many) and every commitment must be worked out again.
pub(super) async fn changed_between(
    conn: &mut dyn Conn,
    from: Mark,
    to: Mark,
) -> Result<Option<Vec<i64>>, StorageError> {
    if to.seq < from.seq || from.seq == 0 {
        return Ok(None);
    }
    let rows: Vec<Declared> = run!(
        conn,
        fetch_all,
        sqlx::query_as(
            "SELECT seq, version, previous_version, commitment_id FROM fact_changes
             WHERE seq >= $1 AND seq <= $2 ORDER BY seq"
        )
        .bind(from.seq)
        .bind(to.seq)
    )?;
    Ok(changed_in(&rows, from, to))
}

/// A declared change: its write's number, the version it left and the one it started from,
/// and the commitment (`None`: any).
type Declared = (i64, i64, i64, Option<i64>);

/// [`changed_between`] from the rows numbered `from.seq` to `to.seq`: each write in between
/// must be there, each starting from the version the one before left (else the version was
/// changed outside), the first and the last with the versions read (numbers start again in
/// a database restored from a backup, while versions never repeat).
fn changed_in(rows: &[Declared], from: Mark, to: Mark) -> Option<Vec<i64>> {
    let version_at = |seq: i64| rows.iter().find(|r| r.0 == seq).map(|r| r.1);
    if version_at(from.seq) != Some(from.version) || version_at(to.seq) != Some(to.version) {
        return None;
    }
    let mut seen = (from.seq, from.version);
    let mut ids = Vec::new();
    for (seq, version, previous, id) in rows.iter().filter(|r| r.0 > from.seq) {
        if *seq != seen.0 {
            if *seq != seen.0 + 1 || *previous != seen.1 {
                return None;
            }
            seen = (*seq, *version);
        }
        ids.push((*id)?);
    }
    if seen.0 != to.seq || ids.len() > MOST_DECLARED {
        return None;
    }
    ids.sort_unstable();
    ids.dedup();
    Some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_unbroken_run_of_declared_writes_is_read() {
        let from = Mark {
            version: 7,
            seq: 10,
        };
        let to = Mark {
            version: 9,
            seq: 12,
        };
        let rows = [
            (10, 7, 6, Some(1)),
            (11, 8, 7, Some(4)),
            (11, 8, 7, Some(2)),
            (12, 9, 8, Some(4)),
        ];
        assert_eq!(changed_in(&rows, from, to), Some(vec![2, 4]));
        // Nothing written since.
        assert_eq!(changed_in(&rows[..1], from, from), Some(vec![]));
        // A write that declared anything.
        let mut anything = rows.to_vec();
        anything[2].3 = None;
        assert_eq!(changed_in(&anything, from, to), None);
        // The version changed outside between two writes.
        let mut outside = rows.to_vec();
        outside[3].2 = 42;
        assert_eq!(changed_in(&outside, from, to), None);
        // A write missing (forgotten), the start no longer kept, another history.
        assert_eq!(changed_in(&[rows[0], rows[3]], from, to), None);
        assert_eq!(changed_in(&rows[1..], from, to), None);
        assert_eq!(
            changed_in(
                &rows,
                Mark {
                    version: 3,
                    seq: 10
                },
                to
            ),
            None,
            "a restored database numbers again"
        );
        assert_eq!(
            changed_in(
                &rows,
                from,
                Mark {
                    version: 5,
                    seq: 12
                }
            ),
            None
        );
    }
}
