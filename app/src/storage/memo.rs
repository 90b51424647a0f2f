//! What pages read again and again, worked out once per site version and day and kept by
//! each app server until the next write: dashboards and explore pages (`super::dashboard`),
//! and records every rendered page of a member or a plan reads (a member with its plans, a
//! plan's first pages, scores summaries). Every page a signed-in reader opens is rendered
//! for them; its database reads were a third of a rendered member page's time.

use super::fact_changes::Mark;
use super::StorageError;
use crate::domain::Scope;
use chrono::NaiveDate;
use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

/// What is kept at one site version on one day, of one database. Keyed by the database,
/// the version every write changes in its own transaction, and the day: never stale. Each
/// app server keeps its own.
struct Kept {
    database: String,
    mark: Mark,
    day: NaiveDate,
    /// Each of the type its [`Record`] names, shared so that a reader clones it outside the
    /// lock.
    records: HashMap<Record, Arc<dyn Any + Send + Sync>>,
    /// How many of `records` are [`Working::EachReader`] ones.
    each_reader: usize,
}

/// A record kept, named by what was asked for. Each kind holds one type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Record {
    /// A scope's dashboard: counting every commitment's facts again took up to 0.7 s.
    Dashboard(Scope),
    /// A page of a scope's explore page (page size, offset): grouping every row for a
    /// ranking (a region's members ranked) took 120 ms at demo scale 10.
    ScopePage(Scope, i64, i64),
    /// A member, by slug, with its plans.
    Member(String),
    /// A plan, by key, with a page of its commitments (page size, offset).
    Plan(String, i64, i64),
    /// A plan's scores summary, by key.
    PlanScores(String),
    /// A member's scores summary, by slug.
    MemberScores(String),
}

/// How a record not kept yet is worked out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Working {
    /// One at a time: those asking meanwhile wait and find it (dashboards and explore
    /// pages, which 64 readers working out at once would each take seconds to get).
    OneAtATime,
    /// By each reader who finds it missing (records read in a few milliseconds, which
    /// should not wait behind a dashboard being worked out).
    EachReader,
}

/// Dashboards and explore pages remembered at most between two writes.
const MEMO_ENTRIES: usize = 512;

/// Records read by each reader remembered at most between two writes, apart: a crawler
/// walking every plan must not leave no room for the dashboards.
const MEMO_RECORDS: usize = 1024;

/// Pages of a list remembered: the first few, which readers open.
const MEMO_PAGES: i64 = 5;

/// Looked up under a plain lock, held for a hash lookup: a lock handed from task to task
/// (tokio's) made 64 readers queue for each lookup.
static KEPT: std::sync::OnceLock<std::sync::Mutex<Kept>> = std::sync::OnceLock::new();

/// Held while a [`Working::OneAtATime`] record is worked out.
static WORKING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

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

/// How long a read waits to work a record out one at a time before working it out on its
/// own. Longer than working out the slowest page (a policy area's or a value's, about 0.7 s
/// at demo scale 10, alone): readers who gave up after one second worked it out all at
/// once, each slower for the others, and a page opened by 64 readers at once never
/// answered in time.
pub(super) const MEMO_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// What is kept for `database` at `mark` on `today`, for `use_kept`; `None` when what is kept
/// is newer (a later write, or a later day: the caller reads without it). Emptied when it is
/// of another database or older. The version is read before the data, so a write committed
/// meanwhile can only make what is kept newer than its version says. Versions are drawn at
/// random; the count of writes beside them orders them.
fn with_kept<R>(
    database: &str,
    mark: Mark,
    today: NaiveDate,
    use_kept: impl FnOnce(&mut Kept) -> R,
) -> Option<R> {
    let kept = KEPT.get_or_init(|| {
        std::sync::Mutex::new(Kept {
            database: String::new(),
            mark: Mark {
                version: 0,
                seq: -1,
            },
            day: today,
            records: HashMap::new(),
            each_reader: 0,
        })
    });
    // Nothing panics while holding it; were it poisoned, what it holds is still whole.
    let mut kept = kept
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let same_database = kept.database == database;
    if same_database && (kept.day > today || (kept.day == today && kept.mark.seq > mark.seq)) {
        return None;
    }
    let mut let_go = HashMap::new();
    if !same_database || kept.day != today || kept.mark != mark {
        kept.database = database.to_owned();
        kept.mark = mark;
        kept.day = today;
        kept.each_reader = 0;
        let_go = std::mem::take(&mut kept.records);
    }
    let answer = use_kept(&mut kept);
    drop(kept);
    drop(let_go);
    Some(answer)
}

/// The record `key` at the request's version: as kept, or else read by `work` and kept
/// when `keep` says it is worth it (records that exist: made-up addresses would fill the
/// memo, which then takes no more until the next write rather than let them drive out
/// what readers open).
pub(super) async fn kept_record<T: Clone + Send + Sync + 'static>(
    db: &super::Db,
    at: &ReadAt,
    today: NaiveDate,
    key: Record,
    working: Working,
    keep: impl FnOnce(&T) -> bool,
    work: impl std::future::Future<Output = Result<T, StorageError>>,
) -> Result<T, StorageError> {
    let (database, mark) = at.mark(db).await?;
    // `None`: the memo is of a newer version, so this reader works alone.
    let find = || {
        with_kept(&database, mark, today, |kept| {
            let found = kept.records.get(&key)?;
            let found = found.downcast_ref::<T>();
            if found.is_none() {
                tracing::error!(?key, "a kept record is of another type than asked for");
            }
            found.cloned()
        })
    };
    let _alone = match (find(), working) {
        (Some(Some(found)), _) => return Ok(found),
        (Some(None), Working::OneAtATime) => {
            let alone = tokio::time::timeout(MEMO_WAIT, WORKING.lock()).await.ok();
            if let Some(Some(found)) = find() {
                return Ok(found);
            }
            alone
        }
        _ => None,
    };
    let read = work.await?;
    if keep(&read) {
        let value: Arc<dyn Any + Send + Sync> = Arc::new(read.clone());
        with_kept(&database, mark, today, |kept| {
            let (count, cap) = match working {
                Working::OneAtATime => (kept.records.len() - kept.each_reader, MEMO_ENTRIES),
                Working::EachReader => (kept.each_reader, MEMO_RECORDS),
            };
            if count < cap && kept.records.insert(key, value).is_none() {
                kept.each_reader += usize::from(working == Working::EachReader);
            }
        });
    }
    Ok(read)
}

/// [`kept_record`] for a page of a list (`limit` rows from `offset`), of something that
/// may not exist: the first [`MEMO_PAGES`] pages are kept, the first always and the others
/// when something is on them (pages past the end are anyone's to ask for); later pages are
/// read each time.
#[allow(clippy::too_many_arguments)]
pub(super) async fn kept_page<T: Clone + Send + Sync + 'static>(
    db: &super::Db,
    at: &ReadAt,
    today: NaiveDate,
    key: Record,
    working: Working,
    (limit, offset): (i64, i64),
    is_empty: impl FnOnce(&T) -> bool,
    work: impl std::future::Future<Output = Result<Option<T>, StorageError>>,
) -> Result<Option<T>, StorageError> {
    if offset >= MEMO_PAGES * limit {
        return work.await;
    }
    let keep = |page: &Option<T>| {
        page.as_ref()
            .is_some_and(|page| offset == 0 || !is_empty(page))
    };
    kept_record(db, at, today, key, working, keep, work).await
}

/// The site's version, on a connection of its own, given back at once.
pub(super) async fn version_now(db: &super::Db) -> Result<i64, StorageError> {
    let mut conn = db.acquire().await?;
    super::site_version(&mut conn).await
}

/// The site version one request reads at, read once, the first time one of its reads asks
/// (a rendered member page asked three times), on the database that asked first (another
/// asking reads its own). Kept records and dashboards are looked up at it; the data read is
/// never older than it.
#[derive(Clone, Debug, Default)]
pub struct ReadAt(Arc<tokio::sync::OnceCell<(String, Mark)>>);

impl ReadAt {
    /// The database asked about, as [`database_of`] names it, and the mark read on it.
    pub(super) async fn mark(&self, db: &super::Db) -> Result<(String, Mark), StorageError> {
        let database = database_of(db);
        let read = || async {
            let mark = super::fact_changes::mark(&mut db.acquire().await?).await?;
            Ok::<_, StorageError>((database.clone(), mark))
        };
        let (read_on, mark) = self.0.get_or_try_init(read).await?;
        let mark = match *read_on == database {
            true => *mark,
            false => super::fact_changes::mark(&mut db.acquire().await?).await?,
        };
        Ok((database, mark))
    }

    pub async fn version(&self, db: &super::Db) -> Result<i64, StorageError> {
        Ok(self.mark(db).await?.1.version)
    }
}
