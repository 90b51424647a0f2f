//! Public pages kept rendered. A visitor who is not signed in sees the same overview,
//! member, plan and commitment pages as every other such visitor in their language, so an
//! app server renders each once and answers the next requests from memory: rendering is
//! most of a page's cost, and a kept page answers in a fraction of it.
//!
//! A kept page is never stale, on any app server: every request reads the site's version
//! (one row, changed in the same transaction as every write a page shows, see
//! `app::storage::Tx::commit`) and a page kept under another version is rendered again.
//! Requests that arrive together share one read of it, begun after each of them arrived
//! ([`VersionReads`]), so the read costs a query per batch, not per request.
//! The two secrets a page carries for one answer only, its scripts' nonce and the masked
//! CSRF token, are cut out when a page is kept and filled in afresh for every answer.

use crate::http::AppState;
use crate::security::RequestInfo;
use app::page_state::PageState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Bytes of rendered pages one app server keeps unless told otherwise (`PAGE_CACHE_MB`);
/// past them the least recently used go.
pub const DEFAULT_BUDGET_BYTES: usize = 16 << 20;
/// A page larger than this is rendered every time.
const MAX_PAGE_BYTES: usize = 1 << 20;
/// How long a read of the site's version may take before its requests render instead.
const VERSION_READ_WAIT: std::time::Duration = std::time::Duration::from_secs(5);
/// Says whether an answer came from a kept page (`hit`) or was rendered (`miss`).
pub const CACHE_HEADER: &str = "x-page-cache";

/// Everything a public page's content depends on besides the data.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct PageKey {
    path_and_query: String,
    lang: app::i18n::Lang,
    /// Overdue milestones are counted against today (UTC).
    today: chrono::NaiveDate,
}

/// What a kept page costs besides its bytes (its key, headers and bookkeeping), roughly.
const PAGE_OVERHEAD_BYTES: usize = 1024;

pub struct PageCache {
    budget: usize,
    pages: Mutex<Kept>,
    /// Pages being rendered now: the requests that come meanwhile wait for that one render
    /// rather than each rendering the page again (after a write, or when a server starts,
    /// a burst of them would all miss at once).
    rendering: Mutex<HashMap<PageKey, Arc<tokio::sync::Mutex<()>>>>,
    /// Ticks for "least recently used".
    clock: AtomicU64,
    versions: VersionReads,
}

/// Reads of the site's version, shared by the requests that wait for one. A request joins
/// the next read that has not begun yet, so the version it gets was read after it arrived
/// and covers every write committed before; one read runs at a time. Under load, one query
/// then answers all the requests that came while the one before it ran.
#[derive(Default)]
struct VersionReads {
    /// The read that requests arriving now wait for; it is taken out as it begins.
    next: Mutex<Option<Arc<VersionRead>>>,
    running: tokio::sync::Mutex<()>,
    /// How many reads began, for tests.
    begun: AtomicU64,
}

/// One read's outcome: `None` when the database could not be read.
#[derive(Default)]
struct VersionRead(tokio::sync::OnceCell<Option<i64>>);

impl VersionReads {
    async fn read(&self, db: &app::storage::Db) -> Option<i64> {
        let read = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            next.get_or_insert_with(Arc::default).clone()
        };
        // Whichever waiting request is polled first runs it (another takes over if that one
        // is cut short); the others wait for its outcome.
        let outcome = read.0.get_or_init(|| async {
            let _turn = self.running.lock().await;
            {
                let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
                if next.as_ref().is_some_and(|n| Arc::ptr_eq(n, &read)) {
                    *next = None;
                }
            }
            self.begun.fetch_add(1, Ordering::Relaxed);
            // The next batch waits for this one: a read that hangs (a connection gone dead)
            // is given up, and its requests render their page, which answers for itself.
            let read = async {
                let mut conn = db.acquire().await.ok()?;
                app::storage::site_version(&mut conn).await.ok()
            };
            tokio::time::timeout(VERSION_READ_WAIT, read)
                .await
                .ok()
                .flatten()
        });
        *outcome.await
    }
}

#[derive(Default)]
struct Kept {
    pages: HashMap<PageKey, Arc<KeptPage>>,
    bytes: usize,
}

struct KeptPage {
    version: i64,
    /// Without the Content-Security-Policy, which names the nonce: it is `policy`.
    headers: HeaderMap,
    policy: Template,
    body: Template,
    last_used: AtomicU64,
}

impl KeptPage {
    fn size(&self, key: &PageKey) -> usize {
        self.body.len()
            + self.policy.len()
            + key.path_and_query.len()
            + self
                .headers
                .iter()
                .map(|(name, value)| name.as_str().len() + value.len())
                .sum::<usize>()
            + PAGE_OVERHEAD_BYTES
    }

    fn answer(&self, nonce: &str, token: &str) -> Response {
        let mut response = Response::new(Body::from(self.body.fill(nonce, token)));
        *response.headers_mut() = self.headers.clone();
        // Should the policy not make a header, the security layer's strictest one applies.
        if let Ok(value) = HeaderValue::from_bytes(&self.policy.fill(nonce, token)) {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, value);
        }
        response
    }
}

impl PageCache {
    /// Keeps at most `budget` bytes of pages; 0 keeps none.
    pub fn new(budget: usize) -> PageCache {
        PageCache {
            budget,
            pages: Mutex::default(),
            rendering: Mutex::default(),
            clock: AtomicU64::new(0),
            versions: VersionReads::default(),
        }
    }

    fn get(&self, key: &PageKey, version: i64) -> Option<Arc<KeptPage>> {
        let mut kept = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        let page = kept.pages.get(key)?.clone();
        if page.version != version {
            kept.bytes = kept.bytes.saturating_sub(page.size(key));
            kept.pages.remove(key);
            return None;
        }
        page.last_used.store(
            self.clock.fetch_add(1, Ordering::Relaxed),
            Ordering::Relaxed,
        );
        Some(page)
    }

    fn keep(&self, key: PageKey, page: KeptPage) {
        let size = page.size(&key);
        if size > MAX_PAGE_BYTES.min(self.budget) {
            return;
        }
        let version = page.version;
        page.last_used.store(
            self.clock.fetch_add(1, Ordering::Relaxed),
            Ordering::Relaxed,
        );
        let mut kept = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = kept.pages.insert(key.clone(), Arc::new(page)) {
            kept.bytes = kept.bytes.saturating_sub(old.size(&key));
        }
        kept.bytes += size;
        if kept.bytes > self.budget {
            kept.make_room(version, self.budget);
        }
    }

    /// The lock held while `key` is rendered.
    fn render_lock(&self, key: &PageKey) -> Arc<tokio::sync::Mutex<()>> {
        let mut rendering = self.rendering.lock().unwrap_or_else(|e| e.into_inner());
        rendering.entry(key.clone()).or_default().clone()
    }

    /// How many pages are kept, and their bytes.
    pub fn occupancy(&self) -> (usize, usize) {
        let kept = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        (kept.pages.len(), kept.bytes)
    }
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (pages, bytes) = self.occupancy();
        write!(f, "PageCache({pages} pages, {bytes} bytes)")
    }
}

impl Kept {
    /// Drops the pages of other versions, then the least recently used down to three
    /// quarters of the budget, so the next pages kept do not each pay for a sweep.
    fn make_room(&mut self, version: i64, budget: usize) {
        let mut bytes = self.bytes;
        self.pages.retain(|key, page| {
            let current = page.version == version;
            if !current {
                bytes = bytes.saturating_sub(page.size(key));
            }
            current
        });
        if bytes > budget * 3 / 4 {
            let mut by_use: Vec<(u64, PageKey, usize)> = self
                .pages
                .iter()
                .map(|(key, page)| {
                    (
                        page.last_used.load(Ordering::Relaxed),
                        key.clone(),
                        page.size(key),
                    )
                })
                .collect();
            by_use.sort_unstable_by_key(|(used, _, _)| *used);
            for (_, key, size) in by_use {
                if bytes <= budget * 3 / 4 {
                    break;
                }
                self.pages.remove(&key);
                bytes = bytes.saturating_sub(size);
            }
        }
        self.bytes = bytes;
    }
}

/// A rendered answer with its one-answer secrets cut out: `pieces` with a [`Secret`] to
/// fill between each two.
struct Template {
    pieces: Vec<Bytes>,
    holes: Vec<Secret>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Secret {
    Nonce,
    Token,
}

impl Template {
    /// Cuts every occurrence of `nonce` and of `token` out of `bytes`. Both are random
    /// (128 and 512 bits), so they occur nowhere else.
    fn cut(bytes: &Bytes, nonce: &str, token: &str) -> Template {
        let finders = [
            (Secret::Nonce, memchr::memmem::Finder::new(nonce.as_bytes())),
            (Secret::Token, memchr::memmem::Finder::new(token.as_bytes())),
        ];
        let mut pieces = Vec::new();
        let mut holes = Vec::new();
        let mut start = 0;
        loop {
            let next = finders
                .iter()
                .filter(|(_, finder)| !finder.needle().is_empty())
                .filter_map(|(secret, finder)| {
                    finder
                        .find(&bytes[start..])
                        .map(|at| (start + at, *secret, finder.needle().len()))
                })
                .min_by_key(|(at, _, _)| *at);
            let Some((at, secret, len)) = next else {
                break;
            };
            pieces.push(bytes.slice(start..at));
            holes.push(secret);
            start = at + len;
        }
        pieces.push(bytes.slice(start..));
        Template { pieces, holes }
    }

    fn len(&self) -> usize {
        self.pieces.iter().map(Bytes::len).sum()
    }

    fn fill(&self, nonce: &str, token: &str) -> Bytes {
        if self.holes.is_empty() {
            return self.pieces[0].clone();
        }
        let mut out = Vec::with_capacity(self.len() + self.holes.len() * token.len());
        for (piece, hole) in self
            .pieces
            .iter()
            .zip(self.holes.iter().map(Some).chain([None]))
        {
            out.extend_from_slice(piece);
            match hole {
                Some(Secret::Nonce) => out.extend_from_slice(nonce.as_bytes()),
                Some(Secret::Token) => out.extend_from_slice(token.as_bytes()),
                None => {}
            }
        }
        Bytes::from(out)
    }
}

/// Whether a query is one the public pages read: known parameters, each once, short.
/// Any other is rendered every time, so made-up queries cannot crowd out the kept pages.
fn is_page_query(query: &str) -> bool {
    let mut seen = Vec::new();
    query.is_empty()
        || query.split('&').all(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let fresh = !seen.contains(&name);
            seen.push(name);
            fresh && value.len() <= 32 && app::PUBLIC_PAGE_QUERY.contains(&name)
        })
}

/// The key of a request whose answer may be kept: a public page asked for by a visitor who
/// is not signed in and has no notice waiting. Runs inside the security layer, which put
/// the page's state and the request's facts in the extensions.
fn key_of(request: &Request) -> Option<PageKey> {
    let uri = request.uri();
    if request.method() != Method::GET
        || !app::is_public_page(uri.path())
        || !is_page_query(uri.query().unwrap_or_default())
    {
        return None;
    }
    let state = request.extensions().get::<PageState>()?;
    let info = request.extensions().get::<RequestInfo>()?;
    // What is kept reads the same to every reader: never someone's own page (signed in,
    // answering a post, after a session ended). A public page with an island is kept: its
    // script's nonce and token are cut out like any page's.
    let anonymous = !state.is_personal()
        && !state.demo_mode
        && state.form_values.is_empty()
        && state.upload_preview.is_none();
    anonymous.then(|| PageKey {
        path_and_query: request
            .uri()
            .path_and_query()
            .map_or_else(String::new, |p| p.as_str().to_string()),
        lang: info.lang,
        today: app::storage::now().date_naive(),
    })
}

/// The nonce a page's Content-Security-Policy allows its scripts by.
pub fn policy_nonce(headers: &HeaderMap) -> Option<String> {
    let policy = headers
        .get(header::CONTENT_SECURITY_POLICY)?
        .to_str()
        .ok()?;
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let len = policy[start..].find('\'')?;
    Some(policy[start..start + len].to_string())
}

/// A kept page with a fresh nonce and the request's own masked token.
fn answer_kept(page: &KeptPage, token: &str) -> Response {
    // 128 random bits in hex, which a nonce may be.
    let nonce = &crate::auth::random_token()[..32];
    let mut response = page.answer(nonce, token);
    response
        .headers_mut()
        .insert(CACHE_HEADER, HeaderValue::from_static("hit"));
    response
}

/// Held by the request rendering a page; dropped (also when the request is cut short), it
/// lets the waiting requests go on and forgets the lock.
struct Rendering<'a> {
    cache: &'a PageCache,
    key: &'a PageKey,
    lock: Arc<tokio::sync::Mutex<()>>,
    _guard: tokio::sync::OwnedMutexGuard<()>,
}

impl Drop for Rendering<'_> {
    fn drop(&mut self) {
        let mut rendering = self
            .cache
            .rendering
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        // Only this render's own lock: a request that took the lock just as it was
        // forgotten renders too, under a lock the map no longer holds, and must not forget
        // the one a later request made.
        let ours = rendering
            .get(self.key)
            .is_some_and(|lock| Arc::ptr_eq(lock, &self.lock));
        if ours {
            rendering.remove(self.key);
        }
    }
}

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(key) = key_of(&request).filter(|_| state.pages.budget > 0) else {
        return next.run(request).await;
    };
    // Unreadable: the page itself answers why (503 while the database is away).
    let Some(version) = state.pages.versions.read(&state.db).await else {
        return next.run(request).await;
    };
    let token = request
        .extensions()
        .get::<PageState>()
        .map(|s| s.csrf_token.clone())
        .unwrap_or_default();
    if let Some(page) = state.pages.get(&key, version) {
        return answer_kept(&page, &token);
    }

    // One request renders the page; those that come meanwhile wait for it, then answer
    // from it, or render too if it could not be kept.
    let lock = state.pages.render_lock(&key);
    let _rendering = match lock.clone().try_lock_owned() {
        Ok(guard) => Some(Rendering {
            cache: &state.pages,
            key: &key,
            lock,
            _guard: guard,
        }),
        Err(_) => {
            drop(lock.lock().await);
            if let Some(page) = state.pages.get(&key, version) {
                return answer_kept(&page, &token);
            }
            None
        }
    };

    let response = next.run(request).await;
    let keepable = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    if !keepable {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, "cannot read a rendered page");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    // A page kept must have its nonce cut out; one without is answered, not kept.
    let (Some(nonce), Some(policy)) = (
        policy_nonce(&parts.headers),
        parts.headers.get(header::CONTENT_SECURITY_POLICY),
    ) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let policy = Template::cut(&Bytes::copy_from_slice(policy.as_bytes()), &nonce, &token);
    let mut headers = parts.headers.clone();
    headers.remove(header::CONTENT_SECURITY_POLICY);
    let page = KeptPage {
        version,
        headers,
        policy,
        body: Template::cut(&bytes, &nonce, &token),
        last_used: AtomicU64::new(0),
    };
    state.pages.keep(key.clone(), page);
    parts
        .headers
        .insert(CACHE_HEADER, HeaderValue::from_static("miss"));
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_arriving_together_share_a_version_read_begun_after_they_came() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/versions.db", dir.path().display());
        let db = app::storage::Db::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        let reads = Arc::new(VersionReads::default());
        let first = reads.read(&db).await.expect("the version");
        // A write committed before a request arrives is seen by the read it gets.
        db.begin().await.unwrap().commit().await.unwrap();
        let second = reads.read(&db).await.expect("the version");
        assert_ne!(first, second);
        assert_eq!(reads.begun.load(Ordering::Relaxed), 2);

        // Together: the first request's read begins at once and those that come while it
        // runs share the next. How many come before it ends depends on the scheduler, so
        // only a bound is certain: one read per request (64) would be no sharing.
        let mut requests = tokio::task::JoinSet::new();
        for _ in 0..64 {
            let (reads, db) = (reads.clone(), db.clone());
            requests.spawn(async move { reads.read(&db).await });
        }
        let answers = requests.join_all().await;
        assert!(answers.iter().all(|v| *v == Some(second)), "{answers:?}");
        let shared = reads.begun.load(Ordering::Relaxed) - 2;
        assert!(
            (1..=8).contains(&shared),
            "64 requests began {shared} reads"
        );
    }

    #[test]
    fn a_template_refills_every_secret_and_keeps_the_rest() {
        let page =
            Bytes::from_static(b"<script nonce=\"N1\">x</script><meta content=\"TOK\"/>N1;TOK");
        let template = Template::cut(&page, "N1", "TOK");
        assert_eq!(template.holes.len(), 4);
        assert_eq!(template.fill("N1", "TOK"), page);
        assert_eq!(
            template.fill("zz", "t"),
            Bytes::from_static(b"<script nonce=\"zz\">x</script><meta content=\"t\"/>zz;t")
        );
    }

    #[test]
    fn a_page_without_secrets_is_kept_whole() {
        let page = Bytes::from_static(b"plain");
        let template = Template::cut(&page, "", "");
        assert!(template.holes.is_empty());
        assert_eq!(template.fill("n", "t"), page);
    }

    #[test]
    fn only_the_public_reading_pages_are_kept() {
        for path in [
            "/",
            "/members",
            "/members/kenya",
            "/plans/AP_KEN05",
            "/commitments/KE0001",
            "/commitments/KE0001/history",
        ] {
            assert!(app::is_public_page(path), "{path}");
        }
        for path in [
            "/sign-in",
            "/account",
            "/admin",
            "/plans/AP_KEN05/edit",
            "/plans/AP_KEN05/upload",
            "/members/kenya/plans",
            "/commitments/KE0001/milestones/3",
            "/api/anything",
        ] {
            assert!(!app::is_public_page(path), "{path}");
        }
    }

    fn page(version: i64, bytes: usize) -> KeptPage {
        KeptPage {
            version,
            headers: HeaderMap::new(),
            policy: Template::cut(&Bytes::new(), "", ""),
            body: Template::cut(&Bytes::from(vec![b'x'; bytes]), "", ""),
            last_used: AtomicU64::new(0),
        }
    }

    fn key(path: &str) -> PageKey {
        PageKey {
            path_and_query: path.to_string(),
            lang: app::i18n::Lang::En,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        }
    }

    #[test]
    fn the_least_recently_used_pages_go_past_the_budget() {
        let cache = PageCache::new(10 * (1000 + PAGE_OVERHEAD_BYTES + 2));
        for n in 0..10 {
            cache.keep(key(&format!("/{n}")), page(1, 1000));
        }
        assert_eq!(cache.occupancy().0, 10);
        assert!(cache.get(&key("/0"), 1).is_some());
        // One more goes past the budget: down to three quarters, the least used first.
        cache.keep(key("/10"), page(1, 1000));
        let (pages, bytes) = cache.occupancy();
        assert_eq!(pages, 7);
        assert!(bytes <= cache.budget * 3 / 4);
        assert!(cache.get(&key("/0"), 1).is_some(), "used lately");
        assert!(cache.get(&key("/10"), 1).is_some(), "just kept");
        assert!(cache.get(&key("/1"), 1).is_none());
        // A page of another version is never answered, and goes.
        assert!(cache.get(&key("/10"), 2).is_none());
        assert_eq!(cache.occupancy().0, 6);
        // Too large for the budget: not kept.
        cache.keep(key("/big"), page(1, cache.budget));
        assert!(cache.get(&key("/big"), 1).is_none());
        let (pages, bytes) = cache.occupancy();
        assert_eq!(bytes, pages * (1000 + PAGE_OVERHEAD_BYTES + 2));
    }

    #[test]
    fn only_the_queries_pages_read_are_kept() {
        for query in ["", "page=2", "region=africa&kind=national&page=3"] {
            assert!(is_page_query(query), "{query}");
        }
        for query in [
            "x=1",
            "page=1&page=2",
            "utm_source=mail",
            "page=11111111111111111111111111111111111",
        ] {
            assert!(!is_page_query(query), "{query}");
        }
    }

    #[test]
    fn the_nonce_is_read_from_the_policy() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self' 'nonce-abc_-1' 'wasm-unsafe-eval'",
            ),
        );
        assert_eq!(policy_nonce(&headers).as_deref(), Some("abc_-1"));
        assert_eq!(policy_nonce(&HeaderMap::new()), None);
    }
}
