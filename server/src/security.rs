//! The security layer every request passes: it resolves the session into a viewer,
//! hands out the CSRF token, refuses state changes without it, carries the one-shot
//! notice of the last form post, and sets the security headers.

use crate::auth::{self, CSRF_COOKIE, FLASH_COOKIE, SESSION_COOKIE};
use crate::http::AppState;
use app::domain::LinkPurpose;
use app::i18n::{text, Key, Lang};
use app::page_state::{Notice, PageState, CSRF_FIELD};
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Largest form body read for the CSRF check; forms are small.
const MAX_FORM_BYTES: usize = 1 << 20;

/// Bodies above this are large uploads: only so many are read at once.
const LARGE_BODY_BYTES: usize = 2 * MAX_FORM_BYTES;
/// How long a large upload may take to arrive.
const LARGE_BODY_READ_TIME: std::time::Duration = std::time::Duration::from_secs(300);
/// When to try a large upload again after it was refused as one too many.
const UPLOAD_RETRY_SECONDS: u16 = 10;
/// Large uploads read and handled at once by one server; more are answered 503.
const UPLOADS_AT_ONCE: usize = 4;

fn upload_places() -> &'static std::sync::Arc<tokio::sync::Semaphore> {
    static PLACES: std::sync::OnceLock<std::sync::Arc<tokio::sync::Semaphore>> =
        std::sync::OnceLock::new();
    PLACES.get_or_init(|| std::sync::Arc::new(tokio::sync::Semaphore::new(UPLOADS_AT_ONCE)))
}

/// The largest body a write may send: a form's, or with files where a form takes them (a
/// plan file; an update's evidence files, from a signed-in person only), with room for the
/// form around them.
/// A body that says it is small (as browsers do) is held to that, and is no large upload.
fn body_limit(path: &str, headers: &HeaderMap, signed_in: bool) -> usize {
    let declared =
        header_str(headers, header::CONTENT_LENGTH).and_then(|n| n.parse::<usize>().ok());
    if !crate::multipart::is_multipart(headers) {
        MAX_FORM_BYTES
    } else if signed_in
        && crate::forms::takes_evidence_files(path)
        && declared.is_none_or(|n| n > LARGE_BODY_BYTES)
    {
        crate::files::MAX_UPDATE_BYTES + MAX_FORM_BYTES
    } else {
        LARGE_BODY_BYTES
    }
}

/// Facts about the request the write handlers need, beside the page state.
#[derive(Clone, Debug)]
pub struct RequestInfo {
    /// Hash-to-be of the session cookie, when one was sent.
    pub session_token: Option<String>,
    /// The client address used for throttling.
    pub address: String,
    /// Served over HTTPS (directly or behind a proxy that says so): cookies get `Secure`.
    pub https: bool,
    /// The client asked for JSON, so errors are answered as JSON.
    pub wants_json: bool,
    /// The host the visitor addressed (`X-Forwarded-Host` behind a trusted proxy).
    pub host: String,
    /// The reader's language, for answers made outside the app's pages.
    pub lang: Lang,
}

fn header_str(headers: &HeaderMap, name: impl header::AsHeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The client's address for throttling and the audit log. Each trusted proxy appends to
/// `X-Forwarded-For` the address it received the request from, so behind `hops` of them
/// the entry `hops` places from the right was written by the outermost one: the client as
/// it saw them. Entries further left come from the client and may be forged. Without that
/// entry (or behind no proxy) the connection's own address is used.
fn client_address(request: &Parts, hops: usize) -> String {
    let peer = request
        .extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    if hops == 0 {
        return peer;
    }
    let entries: Vec<&str> = request
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    entries
        .len()
        .checked_sub(hops)
        .and_then(|i| entries[i].parse::<std::net::IpAddr>().ok())
        .map_or(peer, |ip| ip.to_string())
}

fn visited_host(request: &Parts, behind_proxy: bool) -> String {
    let forwarded = behind_proxy
        .then(|| header_str(&request.headers, "x-forwarded-host"))
        .flatten();
    forwarded
        .or_else(|| header_str(&request.headers, header::HOST))
        .unwrap_or_default()
        .to_string()
}

fn is_https(request: &Parts, behind_proxy: bool) -> bool {
    request.uri.scheme_str() == Some("https")
        || (behind_proxy
            && header_str(&request.headers, "x-forwarded-proto")
                .is_some_and(|v| v.eq_ignore_ascii_case("https")))
}

fn encode_notice(notice: &Notice, key: &[u8]) -> String {
    let json = auth::to_hex(&serde_json::to_vec(notice).unwrap_or_default());
    auth::sign(&json, key)
}

/// The notice in a cookie made by [`notice_cookie`]; `None` when it was not signed with
/// `key` (forged, altered, or from before the key).
fn decode_notice(value: &str, key: &[u8]) -> Option<Notice> {
    let json = auth::from_hex(auth::verify_signed(value, key)?)?;
    serde_json::from_slice(&json).ok()
}

/// The `Set-Cookie` value that carries `notice` to the next page, signed with `key`. One-time
/// links never travel this way: the page that made one shows it.
pub fn notice_cookie(notice: &Notice, secure: bool, key: &[u8]) -> String {
    auth::cookie(FLASH_COOKIE, &encode_notice(notice, key), 300, secure)
}

/// A path as the log records it: the token of a one-time link is left out.
fn loggable_path(path: &str) -> String {
    for purpose in [LinkPurpose::Invitation, LinkPurpose::Reset] {
        if let Some(token) = path.strip_prefix(purpose.path()) {
            if !token.is_empty() {
                return format!("{}[token]", purpose.path());
            }
        }
    }
    path.to_string()
}

/// The same-origin check: a browser sends `Origin` on every cross-site POST.
fn origin_matches(headers: &HeaderMap, host: &str) -> bool {
    let Some(origin) = header_str(headers, header::ORIGIN) else {
        return true;
    };
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| !host.is_empty() && rest.trim_end_matches('/') == host)
}

/// The token a write carries: the `x-csrf-token` header, or the form field (of a plain
/// form, or of one that sends a file).
async fn submitted_token(headers: &HeaderMap, body: &Bytes) -> Option<String> {
    if let Some(token) = header_str(headers, "x-csrf-token") {
        return Some(token.to_string());
    }
    if crate::multipart::is_multipart(headers) {
        return crate::multipart::text_field(headers, body.clone(), CSRF_FIELD).await;
    }
    let is_form = header_str(headers, header::CONTENT_TYPE)
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return None;
    }
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(name, _)| name == CSRF_FIELD)
        .map(|(_, value)| value)
}

/// The reader's language and whether they asked for JSON, from a request's address and
/// headers.
pub fn reader_of(uri: &axum::http::Uri, headers: &HeaderMap) -> (Lang, bool) {
    let lang = Lang::negotiate(
        uri.query(),
        header_str(headers, header::COOKIE),
        header_str(headers, header::ACCEPT_LANGUAGE),
    );
    let wants_json = header_str(headers, header::ACCEPT)
        .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"));
    (lang, wants_json)
}

/// The JSON body of a refusal: the field to blame, if any, and the reason in words.
pub fn json_error(field: Option<&str>, reason: &str) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "error": { "field": field, "reason": reason } }))
}

/// `Retry-After` for an error that says when to try again.
pub fn set_retry_after(headers: &mut HeaderMap, error: &app::error::AppError) {
    if let Some(seconds) = error.retry_after() {
        headers.insert(header::RETRY_AFTER, seconds.into());
    }
}

/// A short answer in the reader's language, made without the app: for requests refused
/// before they reach a page or a form handler. JSON to clients that ask for it.
pub fn refuse(status: StatusCode, lang: Lang, key: Key, wants_json: bool) -> Response {
    let message = text(lang, key);
    if wants_json {
        return (status, json_error(None, message)).into_response();
    }
    let back = text(lang, Key::BackHome);
    let page = format!(
        "<!DOCTYPE html><html lang=\"{}\" dir=\"{}\"><head><meta charset=\"utf-8\"><title>{message}</title></head>\
         <body><main><section class=\"notice notice-error\" role=\"alert\" data-error=\"{}\"><h1>{message}</h1>\
         <p><a href=\"/\">{back}</a></p></section></main></body></html>",
        lang.code(),
        lang.dir(),
        key.name(),
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

/// [`refuse`] for a request the layer has read.
impl RequestInfo {
    pub fn refuse(&self, status: StatusCode, key: Key) -> Response {
        refuse(status, self.lang, key, self.wants_json)
    }
}

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let headers = &parts.headers;
    let cookies = header_str(headers, header::COOKIE);
    let behind_proxy = state.trusted_proxy_hops > 0;
    let https = is_https(&parts, behind_proxy);
    let (lang, wants_json) = reader_of(&parts.uri, headers);
    let info = RequestInfo {
        session_token: auth::cookie_value(cookies, SESSION_COOKIE, https).map(str::to_string),
        address: client_address(&parts, state.trusted_proxy_hops),
        https,
        wants_json,
        host: visited_host(&parts, behind_proxy),
        lang,
    };
    // Anything but a token this server made (64 hex digits) is replaced.
    let existing_csrf = auth::cookie_value(cookies, CSRF_COOKIE, https)
        .filter(|t| t.len() == 64 && auth::from_hex(t).is_some())
        .map(str::to_string);
    let csrf_token = existing_csrf.clone().unwrap_or_else(auth::random_token);

    // Known before any body is read: a write's size limit depends on who sends it.
    let viewer = match &info.session_token {
        Some(token) => match auth::viewer_for_token(&state.db, token).await {
            Ok(viewer) => viewer,
            Err(error) if error.is_unavailable() => {
                tracing::warn!(%error, "cannot read the session: the database is unavailable");
                let mut refused = info.refuse(StatusCode::SERVICE_UNAVAILABLE, Key::ErrServerBusy);
                refused.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(app::error::UNAVAILABLE_RETRY_SECONDS),
                );
                return refused;
            }
            Err(error) => {
                tracing::error!(%error, "cannot read the session");
                return info.refuse(StatusCode::INTERNAL_SERVER_ERROR, Key::ErrorTitle);
            }
        },
        None => None,
    };
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    // Held while a large upload is read and handled.
    let mut _upload_permit = None;
    let body = if unsafe_method {
        let path = parts.uri.path();
        let refused_csrf = || {
            let path = loggable_path(path);
            tracing::info!(%path, "refused a write without a valid CSRF token");
            info.refuse(StatusCode::FORBIDDEN, Key::ErrCsrf)
        };
        // Refused before the body is read: without the CSRF cookie no token can match,
        // and only a few forms are open to visitors who are not signed in.
        let Some(expected) = existing_csrf.as_deref() else {
            return refused_csrf();
        };
        if !origin_matches(headers, &info.host) {
            return refused_csrf();
        }
        // Refused before the body is read, also with a session that has ended.
        if viewer.is_none() && !crate::forms::open_to_visitors(path) {
            return info.refuse(StatusCode::UNAUTHORIZED, Key::ErrSignInRequired);
        }
        let limit = body_limit(path, headers, viewer.is_some());
        let mut read_time = state.limits.timeout;
        if limit > LARGE_BODY_BYTES {
            match upload_places().clone().try_acquire_owned() {
                Ok(permit) => _upload_permit = Some(permit),
                Err(_) => {
                    let mut refused =
                        info.refuse(StatusCode::SERVICE_UNAVAILABLE, Key::ErrServerBusy);
                    refused
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(UPLOAD_RETRY_SECONDS));
                    return refused;
                }
            }
            // 50 MB take a while on a slow line.
            read_time = read_time.max(LARGE_BODY_READ_TIME);
        }
        let read = tokio::time::timeout(read_time, axum::body::to_bytes(body, limit));
        let bytes = match read.await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(_)) => return info.refuse(StatusCode::PAYLOAD_TOO_LARGE, Key::ErrTooLarge),
            Err(_) => return info.refuse(StatusCode::REQUEST_TIMEOUT, Key::ErrTimeout),
        };
        let token_ok = submitted_token(headers, &bytes)
            .await
            .and_then(|masked| auth::unmask_token(&masked))
            .is_some_and(|token| auth::same_token(&token, expected));
        if !token_ok {
            return refused_csrf();
        }
        Body::from(bytes)
    } else {
        body
    };

    let flash = auth::cookie_value(cookies, FLASH_COOKIE, https).map(str::to_string);
    let notice = match &flash {
        Some(value) => match state.notice_key().await {
            Ok(key) => decode_notice(value, key),
            Err(error) => {
                tracing::error!(%error, "cannot read the notice key");
                None
            }
        },
        None => None,
    };
    let demo_mode = parts.uri.path() == "/sign-in" && has_demo_accounts(&state.db).await;
    let stale_session = info.session_token.is_some() && viewer.is_none();
    parts.extensions.insert(PageState {
        // Masked afresh for every answer; the cookie keeps the token itself.
        csrf_token: auth::mask_token(&csrf_token),
        viewer,
        notice,
        form_values: Vec::new(),
        upload_preview: None,
        demo_mode,
        session_ended: stale_session,
        interactive: app::has_public_island(parts.uri.path()),
    });
    parts.extensions.insert(info);

    let mut response = next.run(Request::from_parts(parts, body)).await;

    let response_headers = response.headers_mut();
    let mut set_cookie = |value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response_headers.append(header::SET_COOKIE, value);
        }
    };
    if existing_csrf.is_none() {
        set_cookie(auth::cookie(
            CSRF_COOKIE,
            &csrf_token,
            60 * 60 * 24 * 365,
            https,
        ));
    }
    if flash.is_some() && !unsafe_method {
        set_cookie(auth::cookie(FLASH_COOKIE, "", 0, https));
    }
    if stale_session && !unsafe_method {
        set_cookie(auth::cookie(SESSION_COOKIE, "", 0, https));
    }
    set_security_headers(response.headers_mut(), https);
    response
}

async fn has_demo_accounts(db: &app::storage::Db) -> bool {
    match db.acquire().await {
        Ok(mut conn) => app::storage::has_demo_accounts(&mut conn)
            .await
            .unwrap_or(false),
        Err(_) => false,
    }
}

/// Pages set their own Content-Security-Policy with the nonce of their scripts; every
/// other answer gets one that allows nothing to run. Over HTTPS, browsers are told to use
/// nothing else for a year.
fn set_security_headers(headers: &mut HeaderMap, https: bool) {
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_survive_the_cookie_only_as_signed() {
        let key = b"the server's notice key";
        let notice = Notice::success(Key::BackHome).with("name", "Ana; \"x\"");
        let value = encode_notice(&notice, key);
        assert_eq!(decode_notice(&value, key), Some(notice.clone()));
        assert_eq!(decode_notice(&value, b"another key"), None);
        let (json, _) = value.rsplit_once('.').unwrap();
        assert_eq!(decode_notice(json, key), None, "unsigned");
        let forged = Notice::success(Key::NoticeSignedIn);
        let swapped = format!(
            "{}.{}",
            auth::to_hex(&serde_json::to_vec(&forged).unwrap()),
            value.rsplit_once('.').unwrap().1
        );
        assert_eq!(
            decode_notice(&swapped, key),
            None,
            "another notice, same signature"
        );
        assert_eq!(decode_notice("zz", key), None);
    }

    #[test]
    fn tokens_of_one_time_links_stay_out_of_the_log() {
        assert_eq!(
            loggable_path("/invitations/0123abcd"),
            "/invitations/[token]"
        );
        assert_eq!(
            loggable_path("/password-reset/0123abcd"),
            "/password-reset/[token]"
        );
        assert_eq!(loggable_path("/admin/invitations"), "/admin/invitations");
        assert_eq!(loggable_path("/sign-in"), "/sign-in");
    }

    #[test]
    fn cross_site_origins_are_refused() {
        let mut headers = HeaderMap::new();
        assert!(
            origin_matches(&headers, "tracker.example"),
            "no Origin: same-site"
        );
        let mut with_origin = |origin: &'static str| {
            headers.insert(header::ORIGIN, HeaderValue::from_static(origin));
            headers.clone()
        };
        let same = with_origin("https://tracker.example");
        assert!(origin_matches(&same, "tracker.example"));
        assert!(
            !origin_matches(&same, ""),
            "an unknown host matches nothing"
        );
        assert!(!origin_matches(
            &with_origin("https://evil.example"),
            "tracker.example"
        ));
        assert!(!origin_matches(&with_origin("null"), "tracker.example"));
    }

    fn address_of(forwarded: &[&str], hops: usize) -> String {
        let mut request = Request::builder().uri("/");
        for value in forwarded {
            request = request.header("x-forwarded-for", *value);
        }
        let (mut parts, _) = request.body(()).unwrap().into_parts();
        let peer: std::net::SocketAddr = "10.0.0.2:4000".parse().unwrap();
        parts.extensions.insert(ConnectInfo(peer));
        client_address(&parts, hops)
    }

    #[test]
    fn a_forged_forwarded_for_entry_is_never_taken_for_the_client() {
        // The client sent "1.2.3.4"; the one trusted proxy appended what it saw.
        assert_eq!(address_of(&["1.2.3.4, 203.0.113.7"], 1), "203.0.113.7");
        assert_eq!(address_of(&["1.2.3.4", "203.0.113.7"], 1), "203.0.113.7");
        // Two trusted proxies: the outer one's entry is second from the right.
        assert_eq!(
            address_of(&["1.2.3.4, 203.0.113.7, 10.0.0.9"], 2),
            "203.0.113.7"
        );
        // Fewer entries than trusted proxies, a value that is no address, or no proxy
        // trusted at all: the connection's address.
        assert_eq!(address_of(&["203.0.113.7"], 2), "10.0.0.2");
        assert_eq!(address_of(&["1.2.3.4, not-an-address"], 1), "10.0.0.2");
        assert_eq!(address_of(&["1.2.3.4, 203.0.113.7"], 0), "10.0.0.2");
        assert_eq!(address_of(&[], 1), "10.0.0.2");
    }
}
