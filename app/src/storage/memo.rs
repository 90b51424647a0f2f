//! What pages read again and again, worked out once per site version and day and kept by
//! each app server until the next write: dashboards and explore pages (`super::dashboard`),
//! and records every rendered page of a member or a plan reads (a member with its plans, a
//! plan's first pages, scores summaries). Every page a signed-in reader opens is rendered
//! for them, and its reads were most of a rendered member page's time.

use super::StorageError;
use crate::domain::{Dashboard, Scope};
use chrono::NaiveDate;
use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

/// Dashboards and explore pages worked out at the site's current version, so that reading
/// one again before the next write does not count every commitment's facts again, nor group
/// every row for a ranking (a region's members ranked took 120 ms at demo scale 10); and
/// the records pages read besides. Keyed by the database, the version every write changes
/// in its own transaction, and the day: never stale. Each app server keeps its own.
pub(super) struct Memo {
    database: String,
    version: i64,
    day: NaiveDate,
    pub(super) dashboards: HashMap<Scope, Dashboard>,
    /// By scope, page size and offset.
    pub(super) pages: HashMap<(Scope, i64, i64), crate::domain::ScopePage>,
    /// Each of the type its [`Record`] names.
    records: HashMap<Record, Arc<dyn Any + Send + Sync>>,
}

/// A record kept in the memo, named by what was asked for. Each kind holds one type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Record {
    /// A member, by slug, with its plans.
    Member(String),
    /// A plan, by key, with a page of its commitments (page size, offset).
    Plan(String, i64, i64),
    /// A plan's scores summary, by key.
    PlanScores(String),
    /// A member's scores summary, by slug.
    MemberScores(String),
}

/// Entries remembered at most between two writes.
const MEMO_ENTRIES: usize = 512;

/// Pages of a list remembered: the first few, which readers open.
pub(super) const MEMO_PAGES: i64 = 5;

static MEMO: std::sync::OnceLock<tokio::sync::Mutex<Memo>> = std::sync::OnceLock::new();

/// Which database a memo is of (the tests run many in one process).
pub(super) fn database_of(db: &super::Db) -> String {
    match db {
        super::Db::Sqlite(pool, _) => {
            format!("sqlite:{}", pool.connect_options().get_filename().display())
        }
        super::Db::Postgres(pool) => {
            let options = pool.connect_options();
            format!(
                "postgres:{}:{}:{}",
                options.get_host(),
                options.get_port(),
                options.get_database().unwrap_or_default()
            )
        }
    }
}

/// How long a read waits for the memo before working its figures out on its own. Longer
/// than working out the slowest page (a policy area's or a value's, about 0.7 s at demo
/// scale 10, alone): readers who gave up after one second worked it out all at once, each
/// slower for the others, and a page opened by 64 readers at once never answered in time.
pub(super) const MEMO_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// How long a record's read waits for the memo: a record is read from the database in a
/// few milliseconds, so it does not wait behind a dashboard being worked out.
const RECORD_WAIT: std::time::Duration = std::time::Duration::from_millis(5);

/// The memo, for this database at `version` on `today`; `None` when another read holds it
/// past [`MEMO_WAIT`] or already keeps a newer version (then the caller works its figures
/// out without it). Emptied when it is of another database, an older version or another
/// day. The version is read before the data, so a write committed meanwhile can only make
/// what is remembered newer than its version says. The caller holds it while it works
/// something out, but not a connection while it waits: one is worked out at a time, and
/// those asking for the same meanwhile wait and find it.
pub(super) async fn current_memo(
    db: &super::Db,
    version: i64,
    today: NaiveDate,
) -> Option<tokio::sync::MutexGuard<'static, Memo>> {
    memo_within(db, version, today, MEMO_WAIT).await
}

async fn memo_within(
    db: &super::Db,
    version: i64,
    today: NaiveDate,
    wait: std::time::Duration,
) -> Option<tokio::sync::MutexGuard<'static, Memo>> {
    let database = database_of(db);
    let memo = MEMO.get_or_init(|| {
        tokio::sync::Mutex::new(Memo {
            database: String::new(),
            version: -1,
            day: today,
            dashboards: Default::default(),
            pages: Default::default(),
            records: Default::default(),
        })
    });
    let mut memo = tokio::time::timeout(wait, memo.lock()).await.ok()?;
    let same_place = memo.database == database && memo.day == today;
    if same_place && memo.version > version {
        return None;
    }
    if !same_place || memo.version != version {
        memo.database = database;
        memo.version = version;
        memo.day = today;
        memo.dashboards.clear();
        memo.pages.clear();
        memo.records.clear();
    }
    Some(memo)
}

/// Whether the memo has room for one more (when full it takes no more until the next
/// write: emptying it would let made-up addresses drive out what readers open).
pub(super) fn has_room(memo: &Memo) -> bool {
    memo.dashboards.len() + memo.pages.len() + memo.records.len() < MEMO_ENTRIES
}

/// The record `key` at the request's version: as kept, or else read by `work` and kept
/// when `keep` says it is worth it (records that exist: made-up addresses would fill the
/// memo). Read outside the memo: two readers may both read one the first time, where
/// holding the memo would make every other page wait.
pub(super) async fn kept_record<T: Clone + Send + Sync + 'static>(
    db: &super::Db,
    at: &ReadAt,
    today: NaiveDate,
    key: Record,
    keep: impl FnOnce(&T) -> bool,
    work: impl std::future::Future<Output = Result<T, StorageError>>,
) -> Result<T, StorageError> {
    let version = at.version(db).await?;
    if let Some(memo) = memo_within(db, version, today, RECORD_WAIT).await {
        if let Some(found) = memo
            .records
            .get(&key)
            .and_then(|kept| kept.downcast_ref::<T>())
        {
            return Ok(found.clone());
        }
    }
    let read = work.await?;
    if keep(&read) {
        if let Some(mut memo) = memo_within(db, version, today, RECORD_WAIT).await {
            if has_room(&memo) {
                memo.records.insert(key, Arc::new(read.clone()));
            }
        }
    }
    Ok(read)
}

/// The site's version, on a connection of its own, given back at once.
pub(super) async fn version_now(db: &super::Db) -> Result<i64, StorageError> {
    let mut conn = db.acquire().await?;
    super::site_version(&mut conn).await
}

/// The site version one request reads at, read once, the first time one of its reads asks
/// (a rendered member page asked three times). Kept records and dashboards are looked up
/// at it; the data read is never older than it.
#[derive(Clone, Debug, Default)]
pub struct ReadAt(Arc<tokio::sync::OnceCell<i64>>);

impl ReadAt {
    pub async fn version(&self, db: &super::Db) -> Result<i64, StorageError> {
        self.0.get_or_try_init(|| version_now(db)).await.copied()
    }
}
