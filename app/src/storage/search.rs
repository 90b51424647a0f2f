//! Search (see [`crate::domain::search`]): the index of every commitment's words, kept in
//! the transaction of each write that changes them, and the search itself.
//!
//! The databases find the commitments that hold every word (SQLite's FTS5, PostgreSQL's
//! `@@` on a GIN index). They are ranked, and the facets counted, here, from each
//! commitment's facts (`super::facts`), which are worked out once per version of the site
//! (every write changes it) and day (overdue changes with it): a search reads one index
//! (one row, the ids found), groups nothing in SQL, and ranks the same on both databases.

use super::facts::{facts_at, kept_facts, recent_facts, FactTable, Facts};
use super::{Conn, Native, StorageError};
use crate::domain::search::{
    excerpt, index_text, marked, terms, terms_found, Facet, FacetCounts, FacetValue, FoundIn,
    SearchHit, SearchRequest, SearchResults, Term, MOST_VALUES, PAGE_SIZE,
};
use crate::domain::similar::{most_alike, rank_similar, Likeness, SimilarCommitment};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::Arc;

/// The version of what the index holds for a commitment. Raise it when that changes (the
/// folding, the fields): the next start rebuilds the index.
pub const SEARCH_INDEX_VERSION: i64 = 1;

/// Commitments whose documents are written per statement.
const DOCUMENTS_PER_BATCH: usize = 500;

/// The text of a commitment the index holds and a result's excerpt is cut from.
#[derive(Default)]
struct Texts {
    title: String,
    /// The commitment's other text: short title, description, theme, institutions.
    body: Vec<String>,
    milestones: Vec<String>,
    updates: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct CommitmentTextRow {
    id: i64,
    code: String,
    title: String,
    short_title: Option<String>,
    full_text: Option<String>,
    theme: Option<String>,
    lead_institution: Option<String>,
    supporting_institutions: Option<String>,
    /// JSON arrays of texts: its milestones' titles, then their descriptions, then their
    /// responsible institutions; its progress updates' narratives (each in id order).
    milestones: Option<String>,
    updates: Option<String>,
}

pub(super) fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `IN` the ids bound as `$1` by [`fetch_for_ids`], on each database: bound, not written in,
/// so that a statement is prepared once per connection (its parsing was a twentieth of a
/// page of results when each page's was new).
const IDS_BOUND_SQLITE: &str = "IN (SELECT value FROM json_each($1))";
const IDS_BOUND_POSTGRES: &str = "= ANY($1)";

/// The rows of `sql`, which names `ids` as `$1` with [`IDS_BOUND_SQLITE`] or
/// [`IDS_BOUND_POSTGRES`].
async fn fetch_for_ids<T>(
    conn: &mut dyn Conn,
    sql: &str,
    ids: &[i64],
) -> Result<Vec<T>, StorageError>
where
    T: Send + Unpin,
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    Ok(match conn.native() {
        Native::Sqlite(c) => {
            sqlx::query_as(sql)
                .bind(format!("[{}]", id_list(ids)))
                .fetch_all(c)
                .await?
        }
        Native::Postgres(c) => sqlx::query_as(sql).bind(ids).fetch_all(c).await?,
    })
}

/// The titles of the commitments `ids` (those that exist).
async fn titles_of(conn: &mut dyn Conn, ids: &[i64]) -> Result<HashMap<i64, String>, StorageError> {
    let listed = match conn.native() {
        Native::Sqlite(_) => IDS_BOUND_SQLITE,
        Native::Postgres(_) => IDS_BOUND_POSTGRES,
    };
    let sql = format!("SELECT id, title FROM commitments WHERE id {listed}");
    let titles: Vec<(i64, String)> = fetch_for_ids(conn, &sql, ids).await?;
    Ok(titles.into_iter().collect())
}

/// The texts of the commitments `ids` (those that exist), a row each: a page of search
/// results read them a row per text, and the rows' hand-over from sqlx's SQLite worker
/// thread was a quarter of the server's time under searches not kept.
async fn texts_of(conn: &mut dyn Conn, ids: &[i64]) -> Result<HashMap<i64, Texts>, StorageError> {
    let (array, listed) = match conn.native() {
        Native::Sqlite(_) => ("json_group_array", IDS_BOUND_SQLITE),
        Native::Postgres(_) => ("json_agg", IDS_BOUND_POSTGRES),
    };
    let sql = format!(
        "SELECT c.id, c.code, c.title, c.short_title, c.full_text, c.theme,
            c.lead_institution, c.supporting_institutions,
            CAST((SELECT {array}(t.text ORDER BY t.kind, t.id) FROM (
                SELECT id, 0 AS kind, title AS text FROM milestones WHERE commitment_id = c.id
                UNION ALL
                SELECT id, 1, description FROM milestones
                    WHERE commitment_id = c.id AND description IS NOT NULL
                UNION ALL
                SELECT id, 2, responsible_institution FROM milestones
                    WHERE commitment_id = c.id AND responsible_institution IS NOT NULL
            ) t) AS TEXT) AS milestones,
            CAST((SELECT {array}(u.narrative ORDER BY u.id)
                FROM progress_updates u JOIN milestones ms ON ms.id = u.milestone_id
                WHERE ms.commitment_id = c.id AND u.narrative IS NOT NULL) AS TEXT) AS updates
         FROM commitments c WHERE c.id {listed}"
    );
    let rows: Vec<CommitmentTextRow> = fetch_for_ids(conn, &sql, ids).await?;
    let texts_in = |json: Option<String>| -> Result<Vec<String>, StorageError> {
        match json {
            None => Ok(Vec::new()),
            Some(json) => serde_json::from_str::<Vec<Option<String>>>(&json)
                .map(|texts| texts.into_iter().flatten().collect())
                .map_err(|e| StorageError::Corrupt(format!("a commitment's texts: {e}"))),
        }
    };
    rows.into_iter()
        .map(|row| {
            let body = [
                row.short_title,
                row.full_text,
                row.theme,
                row.lead_institution,
                row.supporting_institutions,
                Some(row.code),
            ];
            let texts = Texts {
                title: row.title,
                body: body.into_iter().flatten().collect(),
                milestones: texts_in(row.milestones)?,
                updates: texts_in(row.updates)?,
            };
            Ok((row.id, texts))
        })
        .collect()
}

/// A commitment's row of the index: its four columns, folded.
struct Document {
    id: i64,
    title: String,
    body: String,
    milestones: String,
    updates: String,
}

impl Document {
    fn of(id: i64, texts: &Texts) -> Document {
        let fold = |parts: &[String]| {
            parts
                .iter()
                .map(|p| index_text(p))
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        Document {
            id,
            title: index_text(&texts.title),
            body: fold(&texts.body),
            milestones: fold(&texts.milestones),
            updates: fold(&texts.updates),
        }
    }
}

/// Writes the index's rows of the commitments `ids` afresh from what is stored (a
/// commitment no longer stored loses its row). Called in the transaction of every write
/// that changes a commitment's or a milestone's text.
pub async fn index_commitments(conn: &mut dyn Conn, ids: &[i64]) -> Result<(), StorageError> {
    // Whatever changes a commitment's words may change its facts too.
    super::facts_changed(conn, ids).await?;
    for chunk in ids.chunks(DOCUMENTS_PER_BATCH) {
        let texts = texts_of(conn, chunk).await?;
        let documents: Vec<Document> = chunk
            .iter()
            .filter_map(|id| texts.get(id).map(|t| Document::of(*id, t)))
            .collect();
        let list = id_list(chunk);
        match conn.native() {
            Native::Sqlite(c) => {
                sqlx::query(&format!("DELETE FROM search_index WHERE rowid IN ({list})"))
                    .execute(&mut *c)
                    .await?;
                if documents.is_empty() {
                    continue;
                }
                let mut insert = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                    "INSERT INTO search_index (rowid, title, body, milestones, updates) ",
                );
                insert.push_values(&documents, |mut row, d| {
                    row.push_bind(d.id)
                        .push_bind(&d.title)
                        .push_bind(&d.body)
                        .push_bind(&d.milestones)
                        .push_bind(&d.updates);
                });
                insert.build().execute(&mut *c).await?;
            }
            Native::Postgres(c) => {
                sqlx::query(&format!(
                    "DELETE FROM search_index WHERE commitment_id IN ({list})"
                ))
                .execute(&mut *c)
                .await?;
                if documents.is_empty() {
                    continue;
                }
                let mut insert = sqlx::QueryBuilder::<sqlx::Postgres>::new(
                    "INSERT INTO search_index (commitment_id, document) VALUES ",
                );
                for (i, d) in documents.iter().enumerate() {
                    if i > 0 {
                        insert.push(", ");
                    }
                    insert
                        .push("(")
                        .push_bind(d.id)
                        .push(", setweight(to_tsvector('simple', ")
                        .push_bind(&d.title)
                        .push("), 'A') || setweight(to_tsvector('simple', ")
                        .push_bind(&d.body)
                        .push("), 'B') || setweight(to_tsvector('simple', ")
                        .push_bind(&d.milestones)
                        .push("), 'C') || setweight(to_tsvector('simple', ")
                        .push_bind(&d.updates)
                        .push("), 'D'))");
                }
                insert.build().execute(&mut *c).await?;
            }
        }
    }
    Ok(())
}

/// Adds a new progress update's narrative to its commitment's row, without reading the
/// commitment's other text again (an update is the most frequent write).
pub async fn index_update(
    conn: &mut dyn Conn,
    commitment_id: i64,
    narrative: &str,
) -> Result<(), StorageError> {
    super::facts_changed(conn, &[commitment_id]).await?;
    let folded = index_text(narrative);
    let added = match conn.native() {
        Native::Sqlite(c) => {
            sqlx::query("UPDATE search_index SET updates = updates || ' ' || $2 WHERE rowid = $1")
                .bind(commitment_id)
                .bind(&folded)
                .execute(c)
                .await?
                .rows_affected()
        }
        Native::Postgres(c) => sqlx::query(
            "UPDATE search_index
                 SET document = document || setweight(to_tsvector('simple', $2), 'D')
                 WHERE commitment_id = $1",
        )
        .bind(commitment_id)
        .bind(&folded)
        .execute(c)
        .await?
        .rows_affected(),
    };
    if added == 0 {
        index_commitments(conn, &[commitment_id]).await?;
    }
    Ok(())
}

/// Removes the index's rows of the commitments `condition` picks (an SQL condition on
/// `commitments c`), before they are deleted.
pub(super) async fn unindex_where(
    conn: &mut dyn Conn,
    condition: &str,
) -> Result<(), StorageError> {
    let sql = match conn.native() {
        Native::Sqlite(_) => format!(
            "DELETE FROM search_index WHERE rowid IN (SELECT c.id FROM commitments c WHERE {condition})"
        ),
        Native::Postgres(_) => format!(
            "DELETE FROM search_index
             WHERE commitment_id IN (SELECT c.id FROM commitments c WHERE {condition})"
        ),
    };
    execute!(conn, sqlx::query(&sql))?;
    Ok(())
}

/// Rebuilds the whole index when it was built by an older [`SEARCH_INDEX_VERSION`] (or
/// never, as after the migration that made it); answers whether it did.
pub async fn rebuild_search_index_if_owed(conn: &mut dyn Conn) -> Result<bool, StorageError> {
    let built: i64 = run!(
        conn,
        fetch_one,
        sqlx::query_scalar("SELECT version FROM search_state WHERE id = 1")
    )?;
    if built == SEARCH_INDEX_VERSION {
        return Ok(false);
    }
    execute!(conn, sqlx::query("DELETE FROM search_index"))?;
    let ids: Vec<i64> = run!(
        conn,
        fetch_all,
        sqlx::query_scalar("SELECT id FROM commitments ORDER BY id")
    )?;
    index_commitments(conn, &ids).await?;
    execute!(
        conn,
        sqlx::query("UPDATE search_state SET version = $1 WHERE id = 1").bind(SEARCH_INDEX_VERSION)
    )?;
    Ok(true)
}

/// How a search's words are combined.
#[derive(Clone, Copy, PartialEq)]
enum Combine {
    /// Every word, anywhere in the commitment, its milestones or its updates.
    All,
    /// Any of the words, in the commitment's title or its other text.
    AnyInText,
}

/// The commitments holding `terms` as `combine` says, in one row: a word may be in every
/// commitment, and a row each through sqlx's SQLite worker (a thread handing rows over a
/// channel) cost more than the finding (at demo scale 10, a whole search for a word in
/// every commitment took 57 to 75 ms with a row each, 17 to 30 ms with one; under load the
/// rows' hand-over took most of the server's time). The databases only find them: they
/// are ranked here, from what each app server keeps ([`FactTable::title_words`]), the same
/// way for both databases. (Ranking in the database, with bm25 or `ts_rank`, took 21 ms for
/// a word in 2,852 commitments at demo scale 10, finding them 1.7 ms.)
async fn matching(
    conn: &mut dyn Conn,
    terms: &[Term],
    combine: Combine,
) -> Result<Vec<i64>, StorageError> {
    Ok(match conn.native() {
        Native::Sqlite(c) => {
            let query: Vec<String> = terms
                .iter()
                .map(|t| format!("\"{}\"{}", t.text, if t.prefix { "*" } else { "" }))
                .collect();
            let query = match combine {
                Combine::All => query.join(" "),
                Combine::AnyInText => format!("{{title body}} : ({})", query.join(" OR ")),
            };
            let ids: Option<String> = sqlx::query_scalar(
                "SELECT group_concat(rowid) FROM search_index WHERE search_index MATCH $1",
            )
            .bind(query)
            .fetch_one(c)
            .await?;
            ids.as_deref()
                .unwrap_or_default()
                .split(',')
                .filter(|id| !id.is_empty())
                .map(|id| {
                    id.parse()
                        .map_err(|_| StorageError::Corrupt(format!("search index row id {id:?}")))
                })
                .collect::<Result<_, _>>()?
        }
        Native::Postgres(c) => {
            let (weights, join) = match combine {
                Combine::All => ("", " & "),
                Combine::AnyInText => ("AB", " | "),
            };
            let query: Vec<String> = terms
                .iter()
                .map(|t| {
                    let prefix = if t.prefix { "*" } else { "" };
                    let label = if prefix.is_empty() && weights.is_empty() {
                        ""
                    } else {
                        ":"
                    };
                    format!("'{}'{label}{prefix}{weights}", t.text)
                })
                .collect();
            let ids: Option<Vec<i64>> = sqlx::query_scalar(
                "SELECT array_agg(commitment_id) FROM search_index
                 WHERE document @@ to_tsquery('simple', $1)",
            )
            .bind(query.join(join))
            .fetch_one(c)
            .await?;
            ids.unwrap_or_default()
        }
    })
}

/// A search as it is kept: its words as searched (folded, each once), its filters and its
/// page, so that `Open  data` and `open data` are kept once.
type SearchKey = (Vec<Term>, Vec<(Facet, String)>, usize);

/// Searches kept for a database at a version of the site, on a day.
struct KeptSearches {
    database: String,
    version: i64,
    day: NaiveDate,
    found: HashMap<SearchKey, SearchResults>,
}

/// Searches kept between two writes: fewer than dashboards, since anyone can make up new
/// ones; once full, it takes no more until the next write (emptying it would let made-up
/// searches drive out those readers ask for again).
const KEPT_SEARCHES: usize = 256;

static SEARCHES: std::sync::OnceLock<std::sync::Mutex<Option<KeptSearches>>> =
    std::sync::OnceLock::new();

/// [`search`], remembered until the next write for those who ask again (a link shared, a
/// facet chosen and left). The lock is held only to look and to keep, never while a search
/// runs, so searches do not queue behind one another.
pub async fn kept_search(
    db: &super::Db,
    at: &super::ReadAt,
    request: &SearchRequest,
    today: NaiveDate,
) -> Result<SearchResults, StorageError> {
    let (database, mark) = at.mark(db).await?;
    let version = mark.version;
    let key: SearchKey = (terms(&request.q), request.filters.clone(), request.page);
    let kept = SEARCHES.get_or_init(Default::default);
    let same = |k: &KeptSearches| k.database == database && k.version == version && k.day == today;
    {
        let kept = kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(found) = kept
            .as_ref()
            .filter(|k| same(k))
            .and_then(|k| k.found.get(&key))
        {
            return Ok(found.clone());
        }
    }
    let found = search_in(db, &*facts_at(db, version, today).await?, request).await?;
    let mut kept = kept
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // Versions are random, not counted: kept searches of any other version go. The version
    // was read before the search's data, so what it found is at least as new; a request
    // reading another version never finds these.
    if !kept.as_ref().is_some_and(same) {
        *kept = Some(KeptSearches {
            database,
            version,
            day: today,
            found: HashMap::new(),
        });
    }
    if let Some(k) = kept.as_mut() {
        if k.found.len() < KEPT_SEARCHES {
            k.found.insert(key, found.clone());
        }
    }
    Ok(found)
}

/// The results of `request` on `today`: one page of commitments, best match first (by code
/// when no word is given), each facet's values with their counts, and how many in all.
pub async fn search(
    db: &super::Db,
    request: &SearchRequest,
    today: NaiveDate,
) -> Result<SearchResults, StorageError> {
    search_in(db, &*kept_facts(db, today).await?, request).await
}

/// [`search`] with `facts`.
async fn search_in(
    db: &super::Db,
    facts: &FactTable,
    request: &SearchRequest,
) -> Result<SearchResults, StorageError> {
    let terms = terms(&request.q);
    let mut conn = db.acquire().await?;
    let counted = counted(&mut conn, facts, &terms, &request.filters).await?;
    let total = counted.found.len();
    // A page past the last shows the last.
    let shown = request.page.clamp(1, total.div_ceil(PAGE_SIZE).max(1));
    let page: Vec<&Facts> = counted
        .found
        .iter()
        .skip((shown - 1).saturating_mul(PAGE_SIZE))
        .take(PAGE_SIZE)
        .map(|at| &facts.rows[*at as usize])
        .collect();
    let hits = hits(&mut conn, facts, &page, &terms).await?;
    Ok(SearchResults {
        total,
        page: shown,
        hits,
        facets: counted.facets.clone(),
    })
}

/// What a search's words and filters find, whatever its page: the commitments by place in
/// the facts, best match first, and each facet's values with their counts.
pub(super) struct Counted {
    found: Vec<u32>,
    facets: Vec<FacetCounts>,
}

/// A search's words (folded, each once) and filters: what [`Counted`] is kept by.
pub(super) type CountedKey = (Vec<Term>, Vec<(Facet, String)>);

/// How many searches' words and filters [`counted`] keeps between two writes, and how
/// many commitments' places in all (4 bytes each: 16 MB).
const KEPT_COUNTED: usize = 256;
const KEPT_COUNTED_PLACES: usize = 4_000_000;

/// The commitments `terms` and `filters` find and their facets counted, kept with the facts
/// until the next write: every page of a search counts the same, and counting up to every
/// commitment's facets was most of what a page of a search kept in part cost (about 5.7 ms
/// of a core at demo scale 10). Once full, it takes no more until the next write, as
/// [`kept_search`].
async fn counted(
    conn: &mut dyn Conn,
    facts: &FactTable,
    terms: &[Term],
    filters: &[(Facet, String)],
) -> Result<Arc<Counted>, StorageError> {
    let key: CountedKey = (terms.to_vec(), filters.to_vec());
    if let Some(counted) = kept_in(&facts.counted, &key) {
        return Ok(counted);
    }
    // By place in the table, best match first; without words, every commitment (the
    // table is in code order).
    let matched: Arc<[u32]> = if terms.is_empty() {
        (0..facts.rows.len() as u32).collect()
    } else {
        ranked_matches(conn, facts, terms).await?
    };
    let counted = Arc::new(count(facts, &matched, filters));
    // A value nothing has (a made-up address) finds nothing, quickly: not kept, so such
    // addresses cannot fill what is kept.
    if filters
        .iter()
        .any(|(facet, value)| facts.key_of(*facet, value).is_none())
    {
        return Ok(counted);
    }
    keep_in(
        &facts.counted,
        key,
        &counted,
        (KEPT_COUNTED, KEPT_COUNTED_PLACES),
        |c| c.found.len(),
    );
    Ok(counted)
}

/// What a search keeps with the facts ([`counted`], [`ranked_matches`]) under `key`.
fn kept_in<K, Q, V>(kept: &std::sync::Mutex<HashMap<K, Arc<V>>>, key: &Q) -> Option<Arc<V>>
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: std::hash::Hash + Eq + ?Sized,
    V: ?Sized,
{
    let kept = kept
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    kept.get(key).cloned()
}

/// Keeps `value` under `key` while `kept` holds fewer than `most` entries and at most
/// `most_places` commitments' places in all (`places` of each). Once full, it takes no more
/// until the next write, as [`kept_search`].
fn keep_in<K, V>(
    kept: &std::sync::Mutex<HashMap<K, Arc<V>>>,
    key: K,
    value: &Arc<V>,
    (most, most_places): (usize, usize),
    places: impl Fn(&V) -> usize,
) where
    K: std::hash::Hash + Eq,
    V: ?Sized,
{
    let mut kept = kept
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let held: usize = kept.values().map(|v| places(v)).sum();
    if kept.len() < most && held + places(value) <= most_places {
        kept.insert(key, value.clone());
    }
}

/// Of the commitments `matched` (by place in `facts`), those `filters` leave, in the same
/// order, and each facet's values counted.
fn count(facts: &FactTable, matched: &[u32], filters: &[(Facet, String)]) -> Counted {
    // A value the address names that nothing has leaves no result.
    let chosen: Vec<(Facet, Option<u32>)> = filters
        .iter()
        .map(|(facet, value)| (*facet, facts.key_of(*facet, value)))
        .collect();
    let wanted: Vec<(u8, Option<u32>)> = chosen
        .iter()
        .map(|(facet, key)| (FactTable::facet_place(*facet), *key))
        .collect();
    let mut counts: Vec<Vec<usize>> = Facet::ALL
        .iter()
        .map(|facet| vec![0; facts.value_count(*facet)])
        .collect();
    let mut count = |(facet_at, key): (u8, u32)| {
        if let Some(n) = counts[facet_at as usize].get_mut(key as usize) {
            *n += 1;
        }
    };
    let mut found: Vec<u32> = Vec::new();
    for &at in matched {
        let keys = &facts.rows[at as usize].facet_keys;
        let mut failing = wanted
            .iter()
            .filter(|(facet_at, key)| !key.is_some_and(|k| keys.contains(&(*facet_at, k))))
            .map(|(facet_at, _)| *facet_at);
        match (failing.next(), failing.next()) {
            (None, _) => {
                found.push(at);
                keys.iter().copied().for_each(&mut count);
            }
            // Counted for the one facet it fails: choosing another of its values there
            // would bring it in.
            (Some(facet_at), None) => keys
                .iter()
                .copied()
                .filter(|(f, _)| *f == facet_at)
                .for_each(&mut count),
            _ => {}
        }
    }
    let facets = Facet::ALL
        .into_iter()
        .zip(counts)
        .map(|(facet, counts)| {
            let mut values: Vec<(u32, usize)> = counts
                .into_iter()
                .enumerate()
                .filter(|(_, n)| *n > 0)
                .map(|(key, n)| (key as u32, n))
                .collect();
            // The most first; between equals, in the order of the levels, or by the key of
            // a name from the data, which (unlike its number, given as the facts were read)
            // is the same on every app server.
            let named = matches!(
                facet,
                Facet::Member | Facet::PolicyArea | Facet::Cycle | Facet::Plan | Facet::Institution
            );
            values.sort_by_cached_key(|(key, n)| {
                let name = named.then(|| facts.value_of(facet, *key).0);
                (std::cmp::Reverse(*n), name, *key)
            });
            // Only what the page lists: the most frequent, and the one chosen.
            let chosen = chosen
                .iter()
                .find(|(f, _)| *f == facet)
                .and_then(|(_, key)| *key);
            let listed = facet.is_listed();
            let mut kept = 0;
            values.retain(|(key, _)| {
                let keep = Some(*key) == chosen || (listed && kept < MOST_VALUES);
                kept += usize::from(listed && Some(*key) != chosen);
                keep
            });
            FacetCounts {
                facet,
                values: values
                    .into_iter()
                    .map(|(key, count)| {
                        let (key, name) = facts.value_of(facet, key);
                        FacetValue { key, name, count }
                    })
                    .collect(),
            }
        })
        .collect();
    Counted { found, facets }
}

/// How many searches' words [`ranked_matches`] keeps between two writes, and how many
/// commitments' places in all (4 bytes each: 16 MB), since a common word finds them all.
const KEPT_MATCHES: usize = 64;
const KEPT_MATCHED_PLACES: usize = 4_000_000;

/// The commitments holding every one of `terms`, by place in `facts`: the most of the
/// words in their titles first, then in code order. Kept with the facts until the next
/// write, for the searches that follow with the same words (the next page, a facet
/// chosen or left), which then only count: the finding and ranking were most of a search
/// (at demo scale 10, 8 to 18 ms of the 10 to 24 of a search for one to five words).
/// Once full, it takes no more until the next write, as [`kept_search`].
async fn ranked_matches(
    conn: &mut dyn Conn,
    facts: &FactTable,
    terms: &[Term],
) -> Result<Arc<[u32]>, StorageError> {
    if let Some(ranked) = kept_in(&facts.matches, terms) {
        return Ok(ranked);
    }
    let mut found: Vec<usize> = matching(conn, terms, Combine::All)
        .await?
        .into_iter()
        .filter_map(|id| facts.by_id.get(&id).copied())
        .collect();
    found.sort_unstable();
    // Every match is ranked, even where the filters leave few: once, for all the searches
    // with these words. A stable sort: in code order between equals.
    found.sort_by_cached_key(|at| std::cmp::Reverse(title_hits(&facts.rows[*at], terms)));
    let ranked: Arc<[u32]> = found.into_iter().map(|at| at as u32).collect();
    keep_in(
        &facts.matches,
        terms.to_vec(),
        &ranked,
        (KEPT_MATCHES, KEPT_MATCHED_PLACES),
        |r| r.len(),
    );
    Ok(ranked)
}

/// How much of a text around its first match a result shows, in characters.
const EXCERPT_WIDTH: usize = 180;

/// The results of the commitments `page`: with words, their texts are read for the
/// excerpts (the title with them); without, only their titles.
async fn hits(
    conn: &mut dyn Conn,
    facts: &FactTable,
    page: &[&Facts],
    terms: &[Term],
) -> Result<Vec<SearchHit>, StorageError> {
    if page.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = page.iter().map(|f| f.id).collect();
    let mut texts = if terms.is_empty() {
        titles_of(conn, &ids)
            .await?
            .into_iter()
            .map(|(id, title)| {
                let texts = Texts {
                    title,
                    ..Texts::default()
                };
                (id, texts)
            })
            .collect()
    } else {
        texts_of(conn, &ids).await?
    };
    Ok(page
        .iter()
        .filter_map(|f| {
            let texts = texts.remove(&f.id)?;
            let (member_slug, member_name) = facts.members[f.member as usize].clone();
            Some(SearchHit {
                code: f.code.clone(),
                title: marked(&texts.title, terms),
                member_name,
                member_slug,
                plan_key: facts.plans[f.plan as usize].0.clone(),
                period: f
                    .cycle
                    .map(|c| facts.cycles[c as usize].1.clone())
                    .unwrap_or_default(),
                status: f.status,
                completion: f.completion,
                starred: f.starred,
                excerpt: best_excerpt(&texts, terms),
            })
        })
        .collect())
}

/// The excerpt of the text outside the title holding the most of `terms` (the commitment's
/// own text first, then its milestones, then its updates, on a tie).
fn best_excerpt(
    texts: &Texts,
    terms: &[Term],
) -> Option<(FoundIn, Vec<crate::domain::search::Piece>)> {
    let candidates = texts
        .body
        .iter()
        .map(|t| (FoundIn::Commitment, t))
        .chain(texts.milestones.iter().map(|t| (FoundIn::Milestone, t)))
        .chain(texts.updates.iter().map(|t| (FoundIn::Update, t)));
    let mut best: Option<(usize, FoundIn, &String)> = None;
    for (found_in, text) in candidates {
        let n = terms_found(text, terms);
        if n > best.map_or(0, |(m, _, _)| m) {
            best = Some((n, found_in, text));
            if n == terms.len() {
                break;
            }
        }
    }
    let (_, found_in, text) = best?;
    excerpt(text, terms, EXCERPT_WIDTH).map(|pieces| (found_in, pieces))
}

/// How many of `terms` the title of `facts` holds.
fn title_hits(facts: &Facts, terms: &[Term]) -> usize {
    terms
        .iter()
        // Most titles lack most words: looking for the letters first is quicker.
        .filter(|t| {
            facts.title_words.contains(t.text.as_str())
                && facts.title_words.split(' ').any(|w| t.matches(w))
        })
        .count()
}

/// The commitments of other members most like the commitment `code` (sharing its policy
/// areas, or the words of its title), the strongest results first (see
/// [`rank_similar`]); `None` when there is no such commitment.
pub async fn similar_commitments(
    db: &super::Db,
    code: &str,
    today: NaiveDate,
) -> Result<Option<Vec<SimilarCommitment>>, StorageError> {
    let facts = recent_facts(db, today).await?;
    let Some(&at) = facts.by_code.get(code) else {
        return Ok(None);
    };
    let this = &facts.rows[at];
    let mut conn = db.acquire().await?;
    let terms = crate::domain::search::title_terms(&this.title_words);
    let mut likeness: HashMap<usize, Likeness> = HashMap::new();
    if !terms.is_empty() {
        for id in matching(&mut conn, &terms, Combine::AnyInText).await? {
            if let Some(&other) = facts.by_id.get(&id) {
                // The words its title shares; a half when only its other text holds them.
                let text = match title_hits(&facts.rows[other], &terms) {
                    0 => 0.5,
                    n => n as f64,
                };
                likeness.insert(
                    other,
                    Likeness {
                        shared_areas: 0,
                        text,
                    },
                );
            }
        }
    }
    if !this.areas.is_empty() {
        for (other, row) in facts.rows.iter().enumerate() {
            let shared = row.areas.iter().filter(|a| this.areas.contains(a)).count();
            if shared > 0 {
                likeness
                    .entry(other)
                    .or_insert(Likeness {
                        shared_areas: 0,
                        text: 0.0,
                    })
                    .shared_areas = shared;
            }
        }
    }
    let candidates: Vec<(Likeness, usize)> = likeness
        .into_iter()
        .map(|(other, l)| (l, other))
        .filter(|(_, other)| facts.rows[*other].member != this.member)
        .collect();
    // Only the most alike need their titles.
    let candidates = most_alike(candidates, |x, y| {
        facts.rows[*x].code.cmp(&facts.rows[*y].code)
    });
    if candidates.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let ids: Vec<i64> = candidates
        .iter()
        .map(|(_, at)| facts.rows[*at].id)
        .collect();
    let titles = titles_of(&mut conn, &ids).await?;
    let similar = candidates
        .into_iter()
        .filter_map(|(score, at)| {
            let row = &facts.rows[at];
            let (member_slug, member_name) = facts.members[row.member as usize].clone();
            let shared_areas = row
                .areas
                .iter()
                .filter(|a| this.areas.contains(a))
                .map(|a| facts.areas[*a as usize].1.clone())
                .collect();
            Some((
                score,
                SimilarCommitment {
                    code: row.code.clone(),
                    title: titles.get(&row.id)?.clone(),
                    member_name,
                    member_slug,
                    shared_areas,
                    starred: row.starred == Some(true),
                    completion: row.completion,
                    strong_results: row.strong_results,
                },
            ))
        })
        .collect();
    Ok(Some(rank_similar(similar)))
}
