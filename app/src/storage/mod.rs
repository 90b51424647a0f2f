//! The storage layer: the only place with SQL. SQLite (the embedded default) and PostgreSQL
//! (for several app servers) run on sqlx's native drivers, with their statement caches on.
//!
//! Every storage function takes `&mut dyn Conn`: a write's transaction ([`Tx`]) or a pooled
//! connection for reads ([`Pooled`]), so reads can run inside a write. Most SQL is written
//! once and compiled against each driver by `native!` (and its shorthands `run!` and
//! `execute!`); where the dialects differ, the two variants sit side by side in [`dialect`].

/// Runs `$body` with `$c` bound to the native connection behind `$conn`: the same SQL and
/// binds, compiled once for each driver.
macro_rules! native {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn.native() {
            $crate::storage::Native::Sqlite($c) => $body,
            $crate::storage::Native::Postgres($c) => $body,
        }
    };
}

/// Runs a query with `$method` (`fetch_one`, `fetch_optional` or `fetch_all`) on the native
/// connection behind `$conn`.
macro_rules! run {
    ($conn:expr, $method:ident, $query:expr) => {
        native!($conn, |c| $query.$method(c).await)
    };
}

/// Runs a statement on the native connection behind `$conn`; answers how many rows it
/// touched.
macro_rules! execute {
    ($conn:expr, $query:expr) => {
        native!($conn, |c| $query
            .execute(c)
            .await
            .map(|done| done.rows_affected()))
    };
}

/// Inserts every item of the slice `$items` in multi-row `INSERT`s of at most
/// [`ROWS_PER_INSERT`] rows: `$head` is the statement up to `VALUES`, `$tail` follows the
/// rows (an `ON CONFLICT` clause, or ""), and `$bind` binds one item's columns on `$row`.
/// One statement instead of one per row, because each statement is a round trip (to
/// PostgreSQL, or to SQLite's worker thread) that costs more than the row it writes.
macro_rules! insert_rows {
    ($conn:expr, $head:expr, $items:expr, $tail:expr, |$row:ident, $item:ident| $bind:expr) => {
        for chunk in $items.chunks($crate::storage::ROWS_PER_INSERT) {
            native!($conn, |c| {
                let mut insert = sqlx::QueryBuilder::new($head);
                insert.push_values(chunk, |mut $row, $item| {
                    $bind;
                });
                insert.push($tail);
                insert.build().execute(c).await.map(|_| ())
            })?;
        }
    };
}

/// Inserts every item of the slice `$items` as [`insert_rows!`] does, and answers their ids
/// in the same order. Each statement ends in `RETURNING id, $key_column`, whose rows come in
/// no defined order, so each is matched by `$key` of its item (a code or key the table
/// holds once); `$what` names the items in the error were one missing.
macro_rules! insert_returning_ids {
    ($conn:expr, $head:expr, $items:expr, $key_column:literal, $what:literal,
     |$row:ident, $item:ident| $bind:expr, |$keyed:ident| $key:expr) => {{
        let mut ids = Vec::with_capacity($items.len());
        for chunk in $items.chunks($crate::storage::ROWS_PER_INSERT) {
            let inserted: Vec<(i64, String)> = native!($conn, |c| {
                let mut insert = sqlx::QueryBuilder::new($head);
                insert.push_values(chunk, |mut $row, $item| {
                    $bind;
                });
                insert.push(concat!(" RETURNING id, ", $key_column));
                insert.build_query_as().fetch_all(c).await
            })?;
            let keys = chunk.iter().map(|$keyed| $key);
            ids.extend($crate::storage::ids_in_order(inserted, keys, $what)?);
        }
        ids
    }};
}

mod accounts;
mod assessments;
mod codec;
mod commitments;
mod dashboard;
pub mod dialect;
mod fact_changes;
mod facts;
mod feeds;
mod history;
mod members;
mod memo;
mod milestones;
mod overview;
mod plans;
mod scope;
mod search;
mod sitemap;
mod writes;

pub use accounts::*;
pub use assessments::*;
pub use commitments::*;
pub use dashboard::*;
use fact_changes::{facts_changed, facts_changed_everywhere, milestone_facts_changed};
pub use facts::FactsAt;
pub use feeds::*;
pub use history::*;
pub use members::*;
pub use memo::ReadAt;
pub use milestones::*;
pub use overview::*;
pub use plans::*;
pub use search::*;
pub use sitemap::*;
pub use writes::*;

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection, Postgres, Sqlite, Transaction};
use std::str::FromStr;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("cannot prepare the database location: {0}")]
    Location(String),
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
}

impl StorageError {
    /// Whether the database refused the write for a unique constraint (a value taken).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StorageError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }

    /// Whether the database could not be reached, is shutting down or starting (a restart, a
    /// network cut) or is busy: worth answering "try again shortly", not "failed".
    pub fn is_unavailable(&self) -> bool {
        match self {
            StorageError::Database(error) => match error {
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::WorkerCrashed => true,
                // SQLite's busy and locked (primary codes 5 and 6), past the busy timeout.
                sqlx::Error::Database(e)
                    if e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() =>
                {
                    e.code()
                        .and_then(|code| code.parse::<i32>().ok())
                        .is_some_and(|code| matches!(code & 0xff, 5 | 6))
                }
                // PostgreSQL's connection exceptions (class 08), its shutdowns and its start.
                sqlx::Error::Database(e) => e.code().is_some_and(|code| {
                    code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")
                }),
                _ => false,
            },
            _ => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The connection pool of either database; SQLite's with the queue its writers wait in.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool, WriterQueue),
    Postgres(PgPool),
}

/// One write transaction at a time on a SQLite database from this process: the others wait
/// their turn here, in order, instead of in SQLite's busy handler, which retries by sleeping
/// and answers "database is locked" once its timeout has passed. (Another process, the
/// command line say, still meets the busy handler, and waits up to its timeout.)
pub type WriterQueue = std::sync::Arc<tokio::sync::Mutex<()>>;

/// How long a write waits for its turn in the [`WriterQueue`] before it is answered as busy
/// (as long as SQLite's own busy timeout).
const WRITER_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// A write's transaction. SQLite's begins `IMMEDIATE`, taking the write lock at once, so two
/// writers queue instead of one failing when it upgrades a read; it holds its turn in the
/// [`WriterQueue`] until it ends. A `Tx` dropped without `commit` or `rollback` (an early
/// return) gives its turn up at once while sqlx rolls it back a moment later, so the next
/// writer may meet SQLite's busy handler for that moment.
pub enum Tx {
    Sqlite(
        Transaction<'static, Sqlite>,
        tokio::sync::OwnedMutexGuard<()>,
    ),
    Postgres(Transaction<'static, Postgres>),
}

/// A connection from the pool, for reads.
pub enum Pooled {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// The native connection a storage function runs its SQL on.
pub enum Native<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// The site's version (migration 0014): it changes in every committed write a page shows.
pub async fn site_version(conn: &mut dyn Conn) -> Result<i64, StorageError> {
    Ok(run!(
        conn,
        fetch_one,
        sqlx::query_scalar("SELECT version FROM site_version WHERE id = 1")
    )?)
}

/// What every storage function runs on: a [`Tx`] or a [`Pooled`] connection.
pub trait Conn: Send {
    fn native(&mut self) -> Native<'_>;
}

impl Conn for Tx {
    fn native(&mut self) -> Native<'_> {
        match self {
            Tx::Sqlite(tx, _) => Native::Sqlite(tx),
            Tx::Postgres(tx) => Native::Postgres(tx),
        }
    }
}

impl Conn for Pooled {
    fn native(&mut self) -> Native<'_> {
        match self {
            Pooled::Sqlite(conn) => Native::Sqlite(conn),
            Pooled::Postgres(conn) => Native::Postgres(conn),
        }
    }
}

impl Tx {
    /// Commits, giving the site a new version in the same transaction (migration 0014): the
    /// pages app servers keep rendered are from before it, so none is served again. Every
    /// write of something a page shows goes through a `Tx` committed here.
    pub async fn commit(mut self) -> Result<(), StorageError> {
        match &mut self {
            Tx::Sqlite(tx, _) => {
                sqlx::query(
                    "UPDATE site_version SET previous_version = version, version = random(),
                        change_seq = change_seq + 1 WHERE id = 1",
                )
                .execute(&mut **tx)
                .await?;
            }
            Tx::Postgres(tx) => {
                // random() has 52 random bits: a number is never drawn twice in practice.
                sqlx::query(
                    "UPDATE site_version SET previous_version = version,
                        version = (random() * 9.2e18)::BIGINT, change_seq = change_seq + 1
                     WHERE id = 1",
                )
                .execute(&mut **tx)
                .await?;
            }
        }
        fact_changes::number_declared(&mut self).await?;
        self.commit_unseen().await
    }

    /// Commits a write that changes nothing a page open to visitors shows, so the pages
    /// app servers keep rendered stay good: folding the totals' changes into the totals,
    /// counting sign-in attempts, starting a session. Visitors who are not signed in can
    /// make the last two, and must not be able to make every server render every page again.
    pub async fn commit_unseen(self) -> Result<(), StorageError> {
        match self {
            Tx::Sqlite(tx, _) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), StorageError> {
        match self {
            Tx::Sqlite(tx, _) => tx.rollback().await?,
            Tx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Opens `url` (`sqlite://...` or `postgres://...`), creating a SQLite file and its
    /// folder when missing. A connection is not tested when taken from the pool: sqlx
    /// already tests each one as it goes back (and closes it if broken), and testing it
    /// again cost every request a round trip (on PostgreSQL, kept pages answer 10 to 35% more
    /// requests without it). A connection that dies while idle (PostgreSQL restarted) is
    /// found by the request that takes it next, which is answered 503; idle connections are
    /// closed after a minute, before a firewall forgets them and a query would hang.
    pub async fn connect(url: &str) -> Result<Db, StorageError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(10)
                .test_before_acquire(false)
                .idle_timeout(std::time::Duration::from_secs(60))
                // While the server restarts, a request waits this long for a connection,
                // then is answered 503 (sqlx's default is 30 s).
                .acquire_timeout(std::time::Duration::from_secs(3))
                .connect_with(options)
                .await?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            prepare_sqlite_folder(url)?;
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                // WAL lets readers go on while a write is under way; NORMAL is durable with it.
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(std::time::Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .test_before_acquire(false)
                // No longer than a writer waits for its turn (WRITER_WAIT), which it holds
                // while it waits for a connection.
                .acquire_timeout(WRITER_WAIT)
                .connect_with(options)
                .await?;
            Ok(Db::Sqlite(pool, WriterQueue::default()))
        } else {
            Err(StorageError::Location(format!(
                "DATABASE_URL must start with sqlite:// or postgres://, not {url:?}"
            )))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Brings the schema up to date. SQLite migrations that rebuild a table run with
    /// foreign-key enforcement off (SQLite cannot switch it inside the migration's
    /// transaction), and the references are checked once they are done (if any ran). Then
    /// the counts the migrations could not compute in SQL are made. The site's version
    /// changes only when migrations were applied since it last changed for them (migration
    /// 0017) or counts were made, so an app server starting (or a command run) does not make
    /// every app server render its kept pages again.
    pub async fn migrate(&self) -> Result<(), StorageError> {
        match self {
            Db::Sqlite(pool, _) => {
                let options = (*pool.connect_options()).clone().foreign_keys(false);
                let mut conn = options.connect().await?;
                // The check reads every reference in the database (seconds on a large one),
                // so it runs only after migrations were applied: the database's
                // `user_version` says a check is owed from before they run until one passes,
                // so a start that stopped short of it, or failed it, checks again.
                let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
                    .fetch_one(&mut conn)
                    .await
                    .unwrap_or(0);
                let known = i64::try_from(SQLITE_MIGRATIONS.iter().count()).unwrap_or(i64::MAX);
                if applied < known {
                    let owe = format!("PRAGMA user_version = {REFERENCES_UNCHECKED}");
                    sqlx::query(&owe).execute(&mut conn).await?;
                }
                SQLITE_MIGRATIONS.run(&mut conn).await?;
                let owed: i64 = sqlx::query_scalar("PRAGMA user_version")
                    .fetch_one(&mut conn)
                    .await?;
                let mut broken = Vec::new();
                if owed == REFERENCES_UNCHECKED {
                    broken = sqlx::query("PRAGMA foreign_key_check")
                        .fetch_all(&mut conn)
                        .await?;
                    if broken.is_empty() {
                        sqlx::query("PRAGMA user_version = 0")
                            .execute(&mut conn)
                            .await?;
                    }
                }
                conn.close().await?;
                if let Some(row) = broken.first() {
                    use sqlx::Row;
                    let table: String = row.try_get(0)?;
                    return Err(StorageError::Corrupt(format!(
                        "after migrating, {} rows refer to rows that do not exist (first in {table})",
                        broken.len()
                    )));
                }
            }
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        let mut tx = self.begin().await?;
        let counted = refresh_uncounted_disagreements(&mut tx).await?;
        let indexed = rebuild_search_index_if_owed(&mut tx).await?;
        fold_total_changes(&mut tx).await?;
        let (applied, seen): (i64, i64) = run!(
            &mut tx,
            fetch_one,
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM _sqlx_migrations), migrations
                 FROM site_version WHERE id = 1"
            )
        )?;
        if applied != seen || counted > 0 || indexed {
            // A migration may have changed anything the facts read, and declared nothing.
            facts_changed_everywhere(&mut tx).await?;
            execute!(
                &mut tx,
                sqlx::query("UPDATE site_version SET migrations = $1 WHERE id = 1").bind(applied)
            )?;
            tx.commit().await
        } else {
            // Folding changes no total a page shows.
            tx.commit_unseen().await
        }
    }

    /// A transaction for a write; commit it, or it rolls back when dropped.
    pub async fn begin(&self) -> Result<Tx, StorageError> {
        Ok(match self {
            Db::Sqlite(pool, queue) => {
                let turn = tokio::time::timeout(WRITER_WAIT, queue.clone().lock_owned())
                    .await
                    .map_err(|_| sqlx::Error::PoolTimedOut)?;
                Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?, turn)
            }
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// A connection for reads.
    pub async fn acquire(&self) -> Result<Pooled, StorageError> {
        Ok(match self {
            Db::Sqlite(pool, _) => Pooled::Sqlite(pool.acquire().await?),
            Db::Postgres(pool) => Pooled::Postgres(pool.acquire().await?),
        })
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool, _) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// Makes sure the SQLite file's folder exists.
fn prepare_sqlite_folder(url: &str) -> Result<(), StorageError> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = rest.split('?').next().unwrap_or_default();
    if !path.is_empty() && path != ":memory:" {
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| StorageError::Location(format!("{}: {e}", parent.display())))?;
            }
        }
    }
    Ok(())
}

/// The current time as stored: UTC, whole microseconds (what PostgreSQL keeps), so a value
/// reads back the same from either database. Take it inside the write's transaction.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// How many rows one multi-row `INSERT` ([`insert_rows!`]) carries: well under both
/// databases' bind limits (SQLite's 32,766, PostgreSQL's 65,535) for the widest row written
/// this way. Each row count is its own SQL text, so its own entry in the statement cache.
pub(crate) const ROWS_PER_INSERT: usize = 200;

/// A SQLite database's `user_version` while the references are owed a check after
/// migrating (see [`Db::migrate`]); 0 otherwise.
pub const REFERENCES_UNCHECKED: i64 = 1;

/// The ids of inserted rows in the order of their `keys`, from what an insert's
/// `RETURNING id, key` answered (see [`insert_returning_ids!`]).
pub(crate) fn ids_in_order<'a>(
    inserted: Vec<(i64, String)>,
    keys: impl Iterator<Item = &'a str>,
    what: &str,
) -> Result<Vec<i64>, StorageError> {
    let by_key: std::collections::HashMap<String, i64> =
        inserted.into_iter().map(|(id, key)| (key, id)).collect();
    keys.map(|key| {
        by_key.get(key).copied().ok_or_else(|| {
            StorageError::Corrupt(format!("the insert of {what} {key} answered no id"))
        })
    })
    .collect()
}

/// Deletes the rows of each of `tables` whose `column` is `id`: what a record owns, before
/// it is written again whole.
pub(crate) async fn delete_owned(
    conn: &mut dyn Conn,
    tables: &[&str],
    column: &str,
    id: i64,
) -> Result<(), StorageError> {
    for table in tables {
        let sql = format!("DELETE FROM {table} WHERE {column} = $1");
        execute!(conn, sqlx::query(&sql).bind(id))?;
    }
    Ok(())
}

pub(crate) fn corrupt(what: &str, value: &str) -> StorageError {
    StorageError::Corrupt(format!("{what} {value:?}"))
}
