//! The site's front door for writes: plain HTML form posts that work without JavaScript.
//!
//! Each handler is an adapter: the security layer has checked the CSRF token before it
//! runs; it reads the form into the input struct the page rendered, calls the command
//! (`crate::commands`), and answers. Success redirects (303) with a notice for the next
//! page. Failure renders the page at the form's own address again (every write route is
//! also a page, so the browser's app finds a route there) with the reason, the field and
//! what was typed, under the error's 4xx status; or answers JSON to clients that ask.

mod account;
mod admin;
mod assessments;
mod commitments;
mod milestones;
mod plans;

use crate::commands::{Actor, AppError};
use crate::http::{render_page, AppState};
use crate::security::{json_error, notice_cookie, set_retry_after, RequestInfo};
use app::domain::LinkPurpose;
use app::error::VERSION_FIELD;
use app::i18n::Key;
use app::i18n::Lang;
use app::page_state::{Notice, PageState};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, MethodRouter};
use serde::de::DeserializeOwned;

/// Every state-changing route, with what it does. The router is built from this list, and
/// the authorization-matrix test requires a row for each entry.
pub fn write_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/sign-in", post(account::sign_in)),
        ("/sign-out", post(account::sign_out)),
        (
            "/account/sign-out-everywhere",
            post(account::sign_out_everywhere),
        ),
        ("/account/password", post(account::change_password)),
        ("/invitations/{token}", post(account::accept_invitation)),
        ("/password-reset/{token}", post(account::reset_password)),
        ("/admin/invitations", post(admin::invite)),
        ("/admin/accounts/{id}/grants", post(admin::grant)),
        ("/admin/grants/{id}/revoke", post(admin::revoke)),
        ("/admin/accounts/{id}/disabled", post(admin::set_disabled)),
        ("/admin/accounts/{id}/reset-link", post(admin::reset_link)),
        ("/admin/members", post(admin::add_member)),
        ("/admin/members/{code}", post(admin::edit_member)),
        ("/milestones/{id}/updates", post(milestones::post_update)),
        ("/members/{slug}/plans", post(plans::create)),
        ("/plans/{key}/status", post(plans::set_status)),
        ("/plans/{key}/edit", post(plans::edit)),
        ("/plans/{key}/commitments", post(commitments::add)),
        ("/plans/{key}/upload", post(plans::upload)),
        ("/commitments/{code}/edit", post(commitments::edit)),
        (
            "/commitments/{code}/withdrawal",
            post(commitments::withdraw),
        ),
        (
            "/commitments/{code}/self-assessment",
            post(commitments::self_assess),
        ),
        ("/commitments/{code}/milestones", post(milestones::add)),
        ("/commitments/{code}/assessments", post(assessments::create)),
        ("/assessments/{id}", post(assessments::save)),
        ("/assessments/{id}/publish", post(assessments::publish)),
        ("/assessments/{id}/revision", post(assessments::revise)),
        ("/assessments/{id}/delete", post(assessments::delete)),
        ("/milestones/{id}/edit", post(milestones::edit)),
        (
            "/milestones/{id}/position",
            post(milestones::move_milestone),
        ),
    ]
}

/// Whether a visitor who is not signed in may post to `path`: signing in and out, and the
/// one-time links. Every other write needs a session, so the security layer refuses it
/// without one before reading its body.
pub fn open_to_visitors(path: &str) -> bool {
    matches!(path, "/sign-in" | "/sign-out")
        || [LinkPurpose::Invitation, LinkPurpose::Reset]
            .iter()
            .any(|purpose| path.starts_with(purpose.path()))
}

/// Whether the form posted to `path` may send evidence files (a progress update).
pub fn takes_evidence_files(path: &str) -> bool {
    path.strip_prefix("/milestones/")
        .and_then(|rest| rest.strip_suffix("/updates"))
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// A form body that cannot be read: 400, in the reader's language; the parser's own words
/// go to the log.
fn unreadable(info: Option<&RequestInfo>, detail: &str) -> Response {
    tracing::info!(%detail, "refused a form that cannot be read");
    match info {
        Some(info) => info.refuse(StatusCode::BAD_REQUEST, Key::ErrMalformedForm),
        None => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// A form that may send files (`multipart/form-data`): its text fields read into `T`, and
/// its files. A plain form gives no files.
pub struct FormWithFiles<T> {
    pub input: T,
    pub files: Vec<crate::files::Upload>,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for FormWithFiles<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let info = request.extensions().get::<RequestInfo>().cloned();
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|e| unreadable(info.as_ref(), &e.body_text()))?;
        if !crate::multipart::is_multipart(&headers) {
            let input = serde_urlencoded::from_bytes(&body)
                .map_err(|e| unreadable(info.as_ref(), &e.to_string()))?;
            return Ok(FormWithFiles {
                input,
                files: Vec::new(),
            });
        }
        let parts = crate::multipart::parts(&headers, body)
            .await
            .ok_or_else(|| unreadable(info.as_ref(), "multipart body"))?;
        let mut fields = Vec::new();
        let mut files = Vec::new();
        for part in parts {
            if part.file_name.is_some() || part.name == crate::files::FILES_FIELD {
                files.push(crate::files::Upload {
                    name: part.file_name.unwrap_or_default(),
                    bytes: part.bytes.to_vec(),
                });
            } else {
                let value = String::from_utf8(part.bytes.to_vec())
                    .map_err(|e| unreadable(info.as_ref(), &e.to_string()))?;
                fields.push((part.name, value));
            }
        }
        let encoded = serde_urlencoded::to_string(&fields)
            .map_err(|e| unreadable(info.as_ref(), &e.to_string()))?;
        let input = serde_urlencoded::from_str(&encoded)
            .map_err(|e| unreadable(info.as_ref(), &e.to_string()))?;
        Ok(FormWithFiles { input, files })
    }
}

/// A form body read into `T`. A body that cannot be read (a field missing or of the wrong
/// kind: only a tampered or outdated form sends one) is answered 400 with a short message
/// in the reader's language, never the parser's own words, which go to the log.
pub struct Input<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Input<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let info = request.extensions().get::<RequestInfo>().cloned();
        let refuse = |detail: String| unreadable(info.as_ref(), &detail);
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|e| refuse(e.body_text()))?;
        serde_urlencoded::from_bytes(&body)
            .map(Input)
            .map_err(|e| refuse(e.to_string()))
    }
}

/// The numeric id in a write's address; anything else is a page that does not exist (404).
pub struct RecordId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for RecordId {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match Path::<i64>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(RecordId(id)),
            Err(_) => Err(match parts.extensions.get::<RequestInfo>() {
                Some(info) => info.refuse(StatusCode::NOT_FOUND, Key::ErrNotFound),
                None => StatusCode::NOT_FOUND.into_response(),
            }),
        }
    }
}

/// What a write handler knows about its request.
pub struct Ctx {
    pub state: AppState,
    pub page: PageState,
    pub info: RequestInfo,
    pub headers: HeaderMap,
    /// The path the form was posted to, where a failure is shown.
    pub path: String,
    /// Signs the notice cookie of a success.
    notice_key: Vec<u8>,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, StatusCode> {
        // The security layer always runs first; without it there is nothing safe to do.
        let page = parts.extensions.get::<PageState>().cloned();
        let info = parts.extensions.get::<RequestInfo>().cloned();
        let (Some(page), Some(info)) = (page, info) else {
            return Err(StatusCode::INTERNAL_SERVER_ERROR);
        };
        let notice_key = state.notice_key().await.map_err(|error| {
            tracing::error!(%error, "cannot read the notice key");
            StatusCode::INTERNAL_SERVER_ERROR
        })?;
        Ok(Ctx {
            state: state.clone(),
            page,
            info,
            headers: parts.headers.clone(),
            path: parts.uri.path().to_string(),
            notice_key: notice_key.to_vec(),
        })
    }
}

impl Ctx {
    /// The person posting, as the commands see them.
    pub fn actor(&self) -> Actor {
        Actor::visitor(self.page.viewer.clone(), &self.info.address)
    }

    /// Success: on to `to`, where `notice` is shown once.
    pub fn done(&self, to: &str, notice: Notice) -> Response {
        self.done_with_cookies(to, notice, Vec::new())
    }

    /// A script's request gets JSON and the notice cookie too: the page a browser loads
    /// next (the one that sent the form, loaded again) says what was saved.
    pub fn done_with_cookies(&self, to: &str, notice: Notice, cookies: Vec<String>) -> Response {
        let mut cookies = cookies;
        cookies.push(notice_cookie(&notice, self.info.https, &self.notice_key));
        let mut response = if self.info.wants_json {
            json_success(&notice, to)
        } else {
            (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
        };
        append_cookies(response.headers_mut(), cookies);
        response
    }

    /// Success that made a one-time link: the page at the form's address shows it at once,
    /// so the link never travels in a cookie. `to` is where a script goes next.
    pub async fn show_link(self, to: &str, notice: Notice) -> Response {
        if self.info.wants_json {
            return json_success(&notice, to);
        }
        let mut state = self.page.clone();
        state.notice = Some(notice);
        render_page(&self.state, &self.headers, &self.path, state, self.info).await
    }

    /// The page at the form's address, rendered with `state` under `status` (a preview,
    /// say, that is not yet a change).
    pub async fn render(self, state: PageState, status: StatusCode) -> Response {
        let mut response =
            render_page(&self.state, &self.headers, &self.path, state, self.info).await;
        *response.status_mut() = status;
        response
    }

    /// Failure: the page at the form's address again, with the reason and what was typed
    /// (`values`, never passwords), under the error's status. A refilled form keeps the
    /// version it was made from, so a change that came in between is still noticed; after
    /// a stale edit the version is left out, so the form takes the current one.
    pub async fn fail(self, error: AppError, mut values: Vec<(String, String)>) -> Response {
        if error == AppError::Stale {
            values.retain(|(name, _)| name != VERSION_FIELD);
        }
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let notice = error.notice();
        let mut response = if self.info.wants_json {
            json_error(notice.field.as_deref(), &notice.text(Lang::En)).into_response()
        } else {
            let mut state = self.page.clone();
            state.notice = Some(notice);
            state.form_values = values;
            render_page(&self.state, &self.headers, &self.path, state, self.info).await
        };
        *response.status_mut() = status;
        set_retry_after(response.headers_mut(), &error);
        response
    }
}

fn json_success(notice: &Notice, to: &str) -> Response {
    axum::Json(serde_json::json!({
        "ok": true,
        "message": notice.text(Lang::En),
        "link": notice.link,
        "location": to,
    }))
    .into_response()
}

fn append_cookies(headers: &mut HeaderMap, cookies: Vec<String>) {
    for cookie in cookies {
        if let Ok(value) = cookie.parse() {
            headers.append(header::SET_COOKIE, value);
        }
    }
}

/// A same-site path to return to; anything else becomes `fallback`.
pub fn local_path(next: Option<&str>, fallback: &str) -> String {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.contains('\\')
            && !n.chars().any(char::is_control)
    })
    .unwrap_or(fallback)
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/account"), "/"), "/account");
        for outside in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "account",
            "/a\r\nSet-Cookie: x=y",
        ] {
            assert_eq!(local_path(Some(outside), "/"), "/", "{outside}");
        }
        assert_eq!(local_path(None, "/x"), "/x");
    }
}
